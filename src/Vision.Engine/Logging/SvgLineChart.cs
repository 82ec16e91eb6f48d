using System.Globalization;
using System.Text;

namespace Vision.Engine.Logging;

/// <summary>
/// A minimal SVG line chart: axes with five ticks each, one polyline per series (with point markers when a series is
/// short enough for them to stay readable), a legend and a title. Data are mapped linearly onto the plot area
/// [<see cref="PlotLeft"/>, <see cref="PlotRight"/>] × [<see cref="PlotTop"/>, <see cref="PlotBottom"/>]: the smallest x
/// at the left edge, the largest at the right, the smallest y at the bottom and the largest at the top (a range of one
/// value is widened by 0.5 on each side so the line sits in the middle). Coordinates are written with two decimals.
/// </summary>
public sealed class SvgLineChart
{
    /// <summary>Series with at most this many points also get a circle per point.</summary>
    public const int MaxMarkedPoints = 50;

    // Matplotlib's default colour cycle: distinguishable and familiar from PyTorch tooling.
    private static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];
    private const int Ticks = 5;
    private const int MarginLeft = 64, MarginRight = 24, MarginTop = 40, MarginBottom = 48;

    /// <summary>Creates a chart of <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size leaves no room for the plot area.</exception>
    public SvgLineChart(string title, string xLabel, string yLabel, int width = 640, int height = 400)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(xLabel);
        ArgumentNullException.ThrowIfNull(yLabel);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(width, MarginLeft + MarginRight);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(height, MarginTop + MarginBottom);
        Title = title;
        XLabel = xLabel;
        YLabel = yLabel;
        Width = width;
        Height = height;
    }

    /// <summary>The text above the plot.</summary>
    public string Title { get; }

    /// <summary>The x axis caption.</summary>
    public string XLabel { get; }

    /// <summary>The y axis caption.</summary>
    public string YLabel { get; }

    /// <summary>The image width in pixels.</summary>
    public int Width { get; }

    /// <summary>The image height in pixels.</summary>
    public int Height { get; }

    /// <summary>The x coordinate of the smallest x value.</summary>
    public double PlotLeft => MarginLeft;

    /// <summary>The x coordinate of the largest x value.</summary>
    public double PlotRight => Width - MarginRight;

    /// <summary>The y coordinate of the largest y value.</summary>
    public double PlotTop => MarginTop;

    /// <summary>The y coordinate of the smallest y value.</summary>
    public double PlotBottom => Height - MarginBottom;

    /// <summary>Renders the series into an SVG document.</summary>
    /// <exception cref="ArgumentException">No series has a point, or a point is not finite.</exception>
    public string Render(IReadOnlyList<CurveSeries> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var all = series.SelectMany(s => s.Points).ToList();
        if (all.Count == 0)
        {
            throw new ArgumentException("A chart needs at least one point.", nameof(series));
        }
        if (all.Any(p => !double.IsFinite(p.X) || !double.IsFinite(p.Y)))
        {
            throw new ArgumentException("Chart points must be finite.", nameof(series));
        }
        var (x0, x1) = Range(all.Select(p => p.X));
        var (y0, y1) = Range(all.Select(p => p.Y));
        double MapX(double x) => PlotLeft + (x - x0) / (x1 - x0) * (PlotRight - PlotLeft);
        double MapY(double y) => PlotBottom - (y - y0) / (y1 - y0) * (PlotBottom - PlotTop);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"24\" text-anchor=\"middle\" font-size=\"16\">{Escape(Title)}</text>\n");
        for (var i = 0; i < Ticks; i++)
        {
            var fraction = i / (double)(Ticks - 1);
            var x = PlotLeft + fraction * (PlotRight - PlotLeft);
            var y = PlotBottom - fraction * (PlotBottom - PlotTop);
            svg.Append($"<line x1=\"{F(PlotLeft)}\" y1=\"{F(y)}\" x2=\"{F(PlotRight)}\" y2=\"{F(y)}\" stroke=\"#e0e0e0\"/>\n");
            svg.Append($"<text x=\"{F(PlotLeft - 6)}\" y=\"{F(y + 4)}\" text-anchor=\"end\">{Tick(y0 + fraction * (y1 - y0))}</text>\n");
            svg.Append($"<text x=\"{F(x)}\" y=\"{F(PlotBottom + 18)}\" text-anchor=\"middle\">{Tick(x0 + fraction * (x1 - x0))}</text>\n");
        }
        svg.Append($"<polyline points=\"{F(PlotLeft)},{F(PlotTop)} {F(PlotLeft)},{F(PlotBottom)} {F(PlotRight)},{F(PlotBottom)}\" fill=\"none\" stroke=\"black\"/>\n");
        svg.Append($"<text x=\"{F((PlotLeft + PlotRight) / 2)}\" y=\"{Height - 10}\" text-anchor=\"middle\">{Escape(XLabel)}</text>\n");
        svg.Append($"<text x=\"16\" y=\"{F((PlotTop + PlotBottom) / 2)}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {F((PlotTop + PlotBottom) / 2)})\">{Escape(YLabel)}</text>\n");
        for (var s = 0; s < series.Count; s++)
        {
            var colour = Palette[s % Palette.Length];
            var points = series[s].Points;
            svg.Append($"<g class=\"series\" data-label=\"{Escape(series[s].Label)}\">\n");
            svg.Append($"<polyline points=\"{string.Join(' ', points.Select(p => $"{F(MapX(p.X))},{F(MapY(p.Y))}"))}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\"/>\n");
            if (points.Count <= MaxMarkedPoints)
            {
                foreach (var (x, y) in points)
                {
                    svg.Append($"<circle cx=\"{F(MapX(x))}\" cy=\"{F(MapY(y))}\" r=\"2.5\" fill=\"{colour}\"/>\n");
                }
            }
            var legendY = PlotTop + 14 + 16 * s;
            svg.Append($"<line x1=\"{F(PlotRight - 150)}\" y1=\"{F(legendY - 4)}\" x2=\"{F(PlotRight - 130)}\" y2=\"{F(legendY - 4)}\" stroke=\"{colour}\" stroke-width=\"2\"/>\n");
            svg.Append($"<text x=\"{F(PlotRight - 124)}\" y=\"{F(legendY)}\">{Escape(series[s].Label)}</text>\n");
            svg.Append("</g>\n");
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static (double Min, double Max) Range(IEnumerable<double> values)
    {
        var list = values.ToList();
        var (min, max) = (list.Min(), list.Max());
        return min == max ? (min - 0.5, max + 0.5) : (min, max);
    }

    private static string F(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    private static string Tick(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);
}
