using Vision.Engine.Logging;

namespace Vision.Engine.Visualization;

/// <summary>The logged scalars of one training run, named for the legend when runs are compared.</summary>
/// <param name="Name">The run's name (its work dir's folder name by default).</param>
/// <param name="Rows">The rows of its <c>scalars.csv</c>.</param>
public sealed record CurveRun(string Name, IReadOnlyList<ScalarRow> Rows)
{
    /// <summary>Reads <c>{workDir}/logs/scalars.csv</c>, naming the run after the work dir's folder.</summary>
    /// <exception cref="FileNotFoundException">The work dir has no <c>logs/scalars.csv</c>.</exception>
    public static CurveRun FromWorkDir(string workDir)
    {
        ArgumentException.ThrowIfNullOrEmpty(workDir);
        var csv = Path.Combine(workDir, "logs", CsvScalarWriter.FileName);
        if (!File.Exists(csv))
        {
            throw new FileNotFoundException(
                $"No logs/{CsvScalarWriter.FileName} in {workDir}: is it a work dir of a run logged with the default scalar writers?", csv);
        }
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(workDir)));
        return new CurveRun(name, ScalarCsvReader.Read(csv));
    }
}
