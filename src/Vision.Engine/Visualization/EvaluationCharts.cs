using Vision.Engine.Evaluation;

namespace Vision.Engine.Visualization;

/// <summary>The pictures of an <see cref="EvaluationReport"/>: confusion matrix (counts and row-normalised) and per-class bars.</summary>
public static class EvaluationCharts
{
    /// <summary>The confusion matrix as counts.</summary>
    public const string ConfusionMatrixFileName = "confusion_matrix.png";

    /// <summary>The confusion matrix as percentages of each true class.</summary>
    public const string NormalizedConfusionMatrixFileName = "confusion_matrix_normalized.png";

    /// <summary>Precision, recall and F1 per class.</summary>
    public const string PerClassFileName = "per_class_metrics.png";

    /// <summary>Draws the charts the report has data for into <paramref name="folder"/> (created if needed).</summary>
    /// <returns>The paths written.</returns>
    public static IReadOnlyList<string> Write(EvaluationReport report, string folder)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        if (report.ConfusionMatrix is { } matrix)
        {
            foreach (var (file, normalized) in new[] { (ConfusionMatrixFileName, false), (NormalizedConfusionMatrixFileName, true) })
            {
                var path = Path.Combine(folder, file);
                ConfusionMatrixChart.Save(matrix, report.Classes, path, normalized);
                written.Add(path);
            }
        }
        if (report.PerClass is { Count: > 0 } perClass)
        {
            var path = Path.Combine(folder, PerClassFileName);
            ClassMetricsChart.Save(perClass, report.Classes, path);
            written.Add(path);
        }
        return written;
    }
}
