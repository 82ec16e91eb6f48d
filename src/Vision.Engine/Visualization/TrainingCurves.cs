using System.Globalization;
using Vision.Engine.Hooks;
using Vision.Engine.Logging;

namespace Vision.Engine.Visualization;

/// <summary>
/// Training curves from logged scalars (MMPreTrain's <c>analyze_logs.py plot_curve</c>): <see cref="LossChartFileName"/>
/// (train and val loss), <see cref="LrChartFileName"/> (the learning rate of every parameter group) and one chart per
/// family of validation metrics ("accuracy/top1" and "accuracy/top5" → accuracy.png), x in epochs or iterations.
/// Several runs go into the same charts, their names before each label, to compare them.
/// <code>
/// TrainingCurves.Write([CurveRun.FromWorkDir("work_dirs/a"), CurveRun.FromWorkDir("work_dirs/b")], "compare", CurveAxis.Epoch);
/// </code>
/// </summary>
public static class TrainingCurves
{
    /// <summary>The folder under a work dir that <see cref="TrainingCurvesHook"/> writes the curves into.</summary>
    public const string FolderName = "curves";

    /// <summary>The chart of the train and val losses.</summary>
    public const string LossChartFileName = "loss.png";

    /// <summary>The chart of the learning rates.</summary>
    public const string LrChartFileName = "lr.png";

    /// <summary>
    /// The charts of <paramref name="runs"/>: loss, lr, then one per validation metric family in name order. A chart
    /// without any finite point is left out, and so is a series without one.
    /// </summary>
    public static IReadOnlyList<CurveChart> Charts(IReadOnlyList<CurveRun> runs, CurveAxis axis)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var xLabel = axis == CurveAxis.Epoch ? "epoch" : "iteration";
        var charts = new List<CurveChart>
        {
            new(LossChartFileName, "Loss", xLabel, "loss", Lines(runs, axis, row => row.Name == "loss" && row.Mode is "train" or "val")),
            new(LrChartFileName, "Learning rate", xLabel, "lr", Lines(runs, axis, row => row.Mode == "train" && IsLr(row.Name))),
        };
        var families = runs.SelectMany(run => run.Rows).Where(row => row.Mode == "val" && row.Name != "loss")
            .Select(row => Family(row.Name)).Distinct().Order(StringComparer.Ordinal);
        foreach (var family in families)
        {
            charts.Add(new CurveChart(FileNameOf(family), $"Validation {family}", xLabel, family,
                Lines(runs, axis, row => row.Mode == "val" && row.Name != "loss" && Family(row.Name) == family)));
        }
        return charts.Where(chart => chart.Series.Count > 0).ToList();
    }

    /// <summary>Draws <see cref="Charts"/> as PNG files into <paramref name="outputDir"/> (created if needed).</summary>
    /// <returns>The paths written, in chart order.</returns>
    public static IReadOnlyList<string> Write(IReadOnlyList<CurveRun> runs, string outputDir, CurveAxis axis)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputDir);
        Directory.CreateDirectory(outputDir);
        return Charts(runs, axis).Select(chart =>
        {
            var path = Path.Combine(outputDir, chart.FileName);
            ChartRenderer.SaveLineChart(chart, path);
            return path;
        }).ToList();
    }

    /// <summary>
    /// Where a record sits on an epoch axis: inside epoch e (1-based), whose iterations run from the end of epoch
    /// e − 1 to the last iteration logged in e, at the fraction of those iterations done; a validation after the
    /// epoch is at e.
    /// </summary>
    public static Func<ScalarRow, double> EpochPosition(IReadOnlyList<ScalarRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var ends = rows.GroupBy(row => row.Epoch).ToDictionary(g => g.Key, g => g.Max(row => row.Iter));
        return row =>
        {
            var start = ends.Where(e => e.Key < row.Epoch).Select(e => e.Value).DefaultIfEmpty(0).Max();
            var end = ends[row.Epoch];
            return end > start ? row.Epoch - 1 + (double)(row.Iter - start) / (end - start) : row.Epoch;
        };
    }

    private static List<CurveSeries> Lines(IReadOnlyList<CurveRun> runs, CurveAxis axis, Func<ScalarRow, bool> include)
    {
        var lines = new List<CurveSeries>();
        foreach (var run in runs)
        {
            var x = axis == CurveAxis.Epoch ? EpochPosition(run.Rows) : row => row.Iter;
            var groups = run.Rows.Where(row => include(row) && double.IsFinite(row.Value)).GroupBy(row => (row.Mode, row.Name));
            foreach (var group in groups.OrderBy(g => g.Key.Mode, StringComparer.Ordinal).ThenBy(g => LrOrder(g.Key.Name)).ThenBy(g => g.Key.Name, StringComparer.Ordinal))
            {
                var label = Label(group.Key.Mode, group.Key.Name, run.Rows);
                lines.Add(new CurveSeries(runs.Count > 1 ? $"{run.Name}: {label}" : label, group.Select(row => (x(row), row.Value)).ToList()));
            }
        }
        return lines;
    }

    // "lr" is group 0's learning rate; with more groups each line says its group.
    private static string Label(string mode, string name, IReadOnlyList<ScalarRow> rows)
    {
        if (IsLr(name))
        {
            var grouped = rows.Any(row => row.Name.StartsWith(LoggerHook.LrGroupPrefix, StringComparison.Ordinal));
            return !grouped ? "lr" : name == "lr" ? "lr (group 0)" : $"lr (group {name[LoggerHook.LrGroupPrefix.Length..]})";
        }
        return $"{mode}/{name}";
    }

    private static bool IsLr(string name) => name == "lr" || name.StartsWith(LoggerHook.LrGroupPrefix, StringComparison.Ordinal);

    private static int LrOrder(string name) =>
        name.StartsWith(LoggerHook.LrGroupPrefix, StringComparison.Ordinal)
        && int.TryParse(name[LoggerHook.LrGroupPrefix.Length..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var group) ? group : 0;

    private static string Family(string metric) => metric.Split('/')[0];

    private static string FileNameOf(string family) =>
        string.Concat(family.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')) + ".png";
}
