using System.Globalization;
using ScottPlot;

namespace Vision.Engine.Visualization;

/// <summary>
/// Draws a confusion matrix (rows = ground truth, columns = predictions) as a heatmap with the class names on both
/// axes and a colour bar: as counts, or row-normalised to the percentage of each true class (the recall on the
/// diagonal). Cells are annotated while the matrix is small enough for the numbers to fit (<see cref="MaxAnnotated"/>
/// classes); larger matrices grow with the class count so every name stays readable (100 classes → ~1.6k pixels).
/// </summary>
public static class ConfusionMatrixChart
{
    /// <summary>Matrices of up to this many classes get their value written in each cell.</summary>
    public const int MaxAnnotated = 20;

    /// <summary>Each row divided by its sum, in percent; a class without samples gets a row of zeros.</summary>
    public static double[,] RowNormalized(long[,] counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var n = counts.GetLength(0);
        var result = new double[n, counts.GetLength(1)];
        for (var row = 0; row < n; row++)
        {
            long total = 0;
            for (var column = 0; column < counts.GetLength(1); column++)
            {
                total += counts[row, column];
            }
            for (var column = 0; column < counts.GetLength(1); column++)
            {
                result[row, column] = total == 0 ? 0 : 100.0 * counts[row, column] / total;
            }
        }
        return result;
    }

    /// <summary>Draws <paramref name="counts"/> into a PNG at <paramref name="path"/>.</summary>
    /// <param name="counts">The square matrix [ground truth, prediction].</param>
    /// <param name="classes">The class names, one per row.</param>
    /// <param name="path">The PNG to write.</param>
    /// <param name="normalized">Row-normalise to percentages instead of drawing counts.</param>
    /// <exception cref="ArgumentException">The matrix is not square or the names do not match its size.</exception>
    public static void Save(long[,] counts, IReadOnlyList<string> classes, string path, bool normalized)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(classes);
        var n = counts.GetLength(0);
        if (counts.GetLength(1) != n || classes.Count != n)
        {
            throw new ArgumentException(
                $"A confusion matrix chart needs a square matrix with one name per class, got {n}×{counts.GetLength(1)} and {classes.Count} names.", nameof(classes));
        }
        var values = normalized ? RowNormalized(counts) : ToDouble(counts);
        var plot = ChartRenderer.NewPlot(normalized ? "Confusion matrix (% of each true class)" : "Confusion matrix (counts)", "predicted class", "true class");
        var heatmap = plot.Add.Heatmap(values);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        // From zero, so an empty cell always has the darkest colour.
        heatmap.ManualRange = new ScottPlot.Range(0, Math.Max(values.Cast<double>().Max(), 1));
        // ScottPlot's default layout: unit cells, cell (row r, column c) centred on (c, n − 1 − r), so row 0 is at the
        // top as matrices are read.
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = normalized ? "%" : "samples";
        var cell = CellPixels(n);
        var fontSize = (float)Math.Clamp(cell * 0.6, 9, 14);
        ChartRenderer.ClassTicks(plot.Axes.Bottom, classes, i => i, fontSize, rotate: classes.Any(c => c.Length > 3) || n > 10);
        ChartRenderer.ClassTicks(plot.Axes.Left, classes, i => n - 1 - i, fontSize, rotate: false);
        if (n <= MaxAnnotated)
        {
            var max = values.Cast<double>().DefaultIfEmpty(0).Max();
            for (var row = 0; row < n; row++)
            {
                for (var column = 0; column < n; column++)
                {
                    var value = values[row, column];
                    var text = plot.Add.Text(normalized ? value.ToString("0.#", CultureInfo.InvariantCulture) : counts[row, column].ToString(CultureInfo.InvariantCulture), column, n - 1 - row);
                    text.LabelFontSize = fontSize;
                    text.LabelFontName = ChartRenderer.FontName;
                    text.LabelAlignment = Alignment.MiddleCenter;
                    // Viridis is dark at the low end: light text there, dark text on the bright high end.
                    text.LabelFontColor = value > 0.6 * max ? Colors.Black : Colors.White;
                }
            }
        }
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
        var side = n * cell;
        var labelRoom = (int)ChartRenderer.LabelLength(classes, fontSize) + 60;
        plot.SavePng(path, side + labelRoom + 170, side + labelRoom + 90);
    }

    private static int CellPixels(int classes) => Math.Clamp(560 / Math.Max(classes, 1), 14, 120);

    private static double[,] ToDouble(long[,] counts)
    {
        var result = new double[counts.GetLength(0), counts.GetLength(1)];
        for (var row = 0; row < counts.GetLength(0); row++)
        {
            for (var column = 0; column < counts.GetLength(1); column++)
            {
                result[row, column] = counts[row, column];
            }
        }
        return result;
    }
}
