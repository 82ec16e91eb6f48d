using ScottPlot;

namespace Vision.Engine.Visualization;

/// <summary>
/// The look shared by every chart Vision draws with ScottPlot: white background, legend to the right of the data
/// (never over it), compact numbers on the axes, DejaVu Sans, and PNG files.
/// </summary>
internal static class ChartRenderer
{
    /// <summary>Series with at most this many points also get a marker per point, so short runs stay readable.</summary>
    public const int MaxMarkedPoints = 50;

    public const string FontName = "DejaVu Sans";

    public const int LineChartWidth = 800;
    public const int LineChartHeight = 450;

    /// <summary>Draws <paramref name="chart"/>'s lines into a PNG at <paramref name="path"/>.</summary>
    public static void SaveLineChart(CurveChart chart, string path)
    {
        var plot = NewPlot(chart.Title, chart.XLabel, chart.YLabel);
        foreach (var series in chart.Series)
        {
            var line = plot.Add.Scatter(series.Points.Select(p => p.X).ToArray(), series.Points.Select(p => p.Y).ToArray());
            line.LegendText = series.Label;
            line.LineWidth = 2;
            line.MarkerSize = series.Points.Count <= MaxMarkedPoints ? 6 : 0;
        }
        var values = chart.Series.SelectMany(s => s.Points).Select(p => Math.Abs(p.Y)).Where(v => v > 0).ToList();
        // Learning rates are 1e-3 … 1e-6: fixed-point labels would all read 0.000.
        if (values.Count > 0 && values.Max() < 1e-2)
        {
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = v => v == 0 ? "0" : v.ToString("0.0#e+0", System.Globalization.CultureInfo.InvariantCulture) };
        }
        var ys = chart.Series.SelectMany(s => s.Points).Select(p => p.Y).ToList();
        if (ys.Count > 0 && ys.Min() == ys.Max())
        {
            // A constant (a fixed lr, 100 % top-5) would otherwise sit in an axis around it that reaches below zero.
            var value = ys[0];
            plot.Axes.SetLimitsY(Math.Min(0, 2 * value), Math.Max(0, 2 * value) + (value == 0 ? 1 : 0));
        }
        plot.ShowLegend(Edge.Right);
        plot.SavePng(path, LineChartWidth, LineChartHeight);
    }

    /// <summary>
    /// Puts one tick per class on <paramref name="axis"/> at <paramref name="position"/>(class index), labelled with the
    /// class name, vertical when <paramref name="rotate"/> so long names do not run into each other.
    /// </summary>
    public static void ClassTicks(IAxis axis, IReadOnlyList<string> classes, Func<int, double> position, float fontSize, bool rotate)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (var i = 0; i < classes.Count; i++)
        {
            ticks.AddMajor(position(i), classes[i]);
        }
        axis.TickGenerator = ticks;
        axis.TickLabelStyle.FontSize = fontSize;
        if (rotate)
        {
            axis.TickLabelStyle.Rotation = -90;
            axis.TickLabelStyle.Alignment = Alignment.MiddleRight;
            // ScottPlot sizes an axis for horizontal labels: reserve the length of the longest name plus the axis title.
            axis.MinimumSize = LabelLength(classes, fontSize) + 2.2f * fontSize + 12;
        }
    }

    /// <summary>About how many pixels the longest of <paramref name="labels"/> takes at <paramref name="fontSize"/>.</summary>
    public static float LabelLength(IEnumerable<string> labels, float fontSize) =>
        0.62f * fontSize * labels.Select(l => l.Length).DefaultIfEmpty(0).Max();

    /// <summary>A plot with the title and axis labels set.</summary>
    public static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        // A sans-serif face every Debian machine has (fonts-dejavu-core); ScottPlot's default may resolve to a serif one.
        plot.Font.Set(FontName);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }
}
