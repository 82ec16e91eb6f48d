using ScottPlot;
using Vision.Engine.Evaluation;

namespace Vision.Engine.Visualization;

/// <summary>
/// Draws precision, recall and F1 per class as grouped bars (percent), the class names under them; the chart widens
/// with the class count so 100 classes stay readable.
/// </summary>
public static class ClassMetricsChart
{
    private const double BarWidth = 0.27;

    /// <summary>Draws <paramref name="perClass"/> (one entry per class, values in percent) into a PNG at <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">The metrics and names differ in count, or there are none.</exception>
    public static void Save(IReadOnlyList<ClassMetrics> perClass, IReadOnlyList<string> classes, string path)
    {
        ArgumentNullException.ThrowIfNull(perClass);
        ArgumentNullException.ThrowIfNull(classes);
        if (perClass.Count != classes.Count || perClass.Count == 0)
        {
            throw new ArgumentException($"Per-class bars need one name per class, got {perClass.Count} metrics and {classes.Count} names.", nameof(classes));
        }
        var n = perClass.Count;
        var plot = ChartRenderer.NewPlot("Per-class precision, recall and F1", "class", "%");
        (string Label, Func<ClassMetrics, double> Value)[] metrics = [("precision", m => m.Precision), ("recall", m => m.Recall), ("F1", m => m.F1Score)];
        for (var k = 0; k < metrics.Length; k++)
        {
            var offset = (k - 1) * BarWidth;
            var bars = plot.Add.Bars(Enumerable.Range(0, n).Select(i => i + offset).ToArray(), perClass.Select(metrics[k].Value).ToArray());
            bars.LegendText = metrics[k].Label;
            foreach (var bar in bars.Bars)
            {
                bar.Size = BarWidth;
            }
        }
        ChartRenderer.ClassTicks(plot.Axes.Bottom, classes, i => i, 12, rotate: n > 8 || classes.Any(c => c.Length > 10));
        plot.Axes.SetLimits(-0.6, n - 0.4, 0, 105);
        plot.ShowLegend(Edge.Right);
        var labelRoom = (int)ChartRenderer.LabelLength(classes, 12);
        plot.SavePng(path, Math.Max(ChartRenderer.LineChartWidth, 260 + n * 30), ChartRenderer.LineChartHeight + labelRoom);
    }
}
