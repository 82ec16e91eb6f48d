using System.Globalization;
using System.Text;

namespace Vision.Engine.Logging;

/// <summary>One row of <c>scalars.csv</c> (<see cref="CsvScalarWriter"/>): a scalar's value in one record.</summary>
/// <param name="Mode">"train", "val" or "test".</param>
/// <param name="Epoch">The 1-based epoch of the record.</param>
/// <param name="Iter">The 1-based global training iteration of the record.</param>
/// <param name="Name">The scalar's name, e.g. "loss" or "accuracy/top1".</param>
/// <param name="Value">The value.</param>
public sealed record ScalarRow(string Mode, int Epoch, long Iter, string Name, double Value);

/// <summary>One line of a chart: a label and its (x, y) points in drawing order.</summary>
/// <param name="Label">The legend text, e.g. "train/loss".</param>
/// <param name="Points">The points; non-finite values are left out when the series is built by <see cref="ScalarCurves.Series"/>.</param>
public sealed record CurveSeries(string Label, IReadOnlyList<(double X, double Y)> Points);

/// <summary>
/// Training curves from the scalars a run logged: reads <c>{log_dir}/scalars.csv</c> and draws loss and accuracy
/// against the training iteration as SVG line charts (<see cref="SvgLineChart"/>), so a finished run can be looked at
/// without TensorBoard.
/// <code>
/// var charts = ScalarCurves.WriteTrainingCurves(result.LogDir, Path.Combine(workDir, "curves"));   // loss.svg, accuracy.svg
/// </code>
/// </summary>
public static class ScalarCurves
{
    /// <summary>The file <see cref="WriteTrainingCurves"/> draws the losses into.</summary>
    public const string LossChartFileName = "loss.svg";

    /// <summary>The file <see cref="WriteTrainingCurves"/> draws the accuracies into.</summary>
    public const string AccuracyChartFileName = "accuracy.svg";

    /// <summary>Reads a <c>scalars.csv</c> written by <see cref="CsvScalarWriter"/> (RFC 4180 quoting, invariant culture).</summary>
    /// <exception cref="InvalidDataException">The header or a row is malformed; the message names the line.</exception>
    public static IReadOnlyList<ScalarRow> ReadCsv(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != CsvScalarWriter.Header)
        {
            throw new InvalidDataException($"{path}: the first line must be the header '{CsvScalarWriter.Header}'.");
        }
        var rows = new List<ScalarRow>(lines.Length - 1);
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }
            var fields = SplitCsv(lines[i]);
            if (fields.Count != 5
                || !int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch)
                || !long.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var iter)
                || !double.TryParse(fields[4], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                throw new InvalidDataException($"{path}, line {i + 1}: expected mode,epoch,iter,name,value, got '{lines[i]}'.");
            }
            rows.Add(new ScalarRow(fields[0], epoch, iter, fields[3], value));
        }
        return rows;
    }

    /// <summary>
    /// The values of scalar <paramref name="name"/> logged in <paramref name="mode"/>, as (iteration, value) points in
    /// file order, labelled "mode/name". NaN and infinite values are left out (a chart cannot place them).
    /// </summary>
    public static CurveSeries Series(IEnumerable<ScalarRow> rows, string mode, string name)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var points = rows.Where(r => r.Mode == mode && r.Name == name && double.IsFinite(r.Value))
            .Select(r => ((double)r.Iter, r.Value))
            .ToList();
        return new CurveSeries($"{mode}/{name}", points);
    }

    /// <summary>
    /// Draws the curves of a run whose scalars are in <paramref name="logDir"/>: <see cref="LossChartFileName"/> with
    /// train and val "loss", and <see cref="AccuracyChartFileName"/> with every val "accuracy/*" metric. A chart without
    /// any point is not written.
    /// </summary>
    /// <returns>The paths written.</returns>
    /// <exception cref="FileNotFoundException">The log folder has no <c>scalars.csv</c>.</exception>
    public static IReadOnlyList<string> WriteTrainingCurves(string logDir, string outputDir)
    {
        ArgumentException.ThrowIfNullOrEmpty(logDir);
        ArgumentException.ThrowIfNullOrEmpty(outputDir);
        var csv = Path.Combine(logDir, CsvScalarWriter.FileName);
        if (!File.Exists(csv))
        {
            throw new FileNotFoundException($"No {CsvScalarWriter.FileName} in {logDir}; was the run logged with the default scalar writers?", csv);
        }
        var rows = ReadCsv(csv);
        var accuracyNames = rows.Where(r => r.Mode == "val" && r.Name.StartsWith("accuracy/", StringComparison.Ordinal))
            .Select(r => r.Name).Distinct().Order(StringComparer.Ordinal);
        var charts = new (string File, SvgLineChart Chart, IReadOnlyList<CurveSeries> Series)[]
        {
            (LossChartFileName, new SvgLineChart("Loss", "iteration", "loss"), [Series(rows, "train", "loss"), Series(rows, "val", "loss")]),
            (AccuracyChartFileName, new SvgLineChart("Validation accuracy", "iteration", "accuracy (%)"), accuracyNames.Select(n => Series(rows, "val", n)).ToList()),
        };
        Directory.CreateDirectory(outputDir);
        var written = new List<string>();
        foreach (var (file, chart, series) in charts)
        {
            var drawn = series.Where(s => s.Points.Count > 0).ToList();
            if (drawn.Count == 0)
            {
                continue;
            }
            var path = Path.Combine(outputDir, file);
            File.WriteAllText(path, chart.Render(drawn));
            written.Add(path);
        }
        return written;
    }

    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }
        fields.Add(field.ToString());
        return fields;
    }
}
