using SkiaSharp;
using Vision.Engine.Evaluation;
using Vision.Engine.Visualization;

namespace Vision.Engine.Tests.Visualization;

public sealed class EvaluationChartsTests : IDisposable
{
    // Viridis' top colour: the largest value of a heatmap.
    private static readonly SKColor Brightest = SKColor.Parse("#fde725");

    private readonly string directory = Path.Combine(Path.GetTempPath(), "vision-evaluation-charts-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void RowNormalisationGivesEachTrueClassesPercentages()
    {
        var normalized = ConfusionMatrixChart.RowNormalized(new long[,] { { 3, 1 }, { 0, 0 } });
        Assert.Equal(new double[,] { { 75, 25 }, { 0, 0 } }, normalized);
    }

    [Fact]
    public void SavingAReportDrawsBothMatricesAndThePerClassBars()
    {
        var report = new EvaluationReport(new Dictionary<string, double> { ["accuracy/top1"] = 60 }, ["cat", "dog", "bird"],
            [new ClassMetrics(80, 70, 74.7, 10), new ClassMetrics(50, 60, 54.5, 10), new ClassMetrics(40, 50, 44.4, 10)],
            new long[,] { { 7, 2, 1 }, { 3, 6, 1 }, { 2, 3, 5 } });
        report.Save(directory);

        foreach (var file in new[] { EvaluationCharts.ConfusionMatrixFileName, EvaluationCharts.NormalizedConfusionMatrixFileName, EvaluationCharts.PerClassFileName })
        {
            using var png = Png.Load(Path.Combine(directory, file));
            Assert.True(png.Width >= 600 && png.Height >= 400, $"{file} is {png.Width}×{png.Height}");
        }
        using var bars = Png.Load(Path.Combine(directory, EvaluationCharts.PerClassFileName));
        // The three metrics take ScottPlot's first three palette colours.
        Assert.All(new[] { "#1f77b4", "#ff7f0e", "#2ca02c" }, c => Assert.True(Png.CountNear(bars, SKColor.Parse(c)) > 200, $"no {c} bars"));
    }

    [Fact]
    public void RowZeroIsDrawnAtTheTopAndColumnZeroAtTheLeft()
    {
        // Only [0, 0] is non-zero, so the brightest cell must be the top-left one.
        var path = Path.Combine(directory, "m.png");
        Directory.CreateDirectory(directory);
        ConfusionMatrixChart.Save(new long[,] { { 9, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 } }, ["a", "b", "c"], path, normalized: false);

        using var png = Png.Load(path);
        var bright = Enumerable.Range(0, png.Height).SelectMany(y => Enumerable.Range(0, png.Width).Select(x => (x, y)))
            .Where(p => Near(png.GetPixel(p.x, p.y), Brightest)).ToList();
        // The colour bar's top is bright too; the cell is left of it and much bigger.
        var cell = bright.Where(p => p.x < png.Width / 2).ToList();
        Assert.True(cell.Count > 1000, $"{cell.Count} bright pixels in the left half");
        Assert.True(cell.Average(p => p.y) < png.Height / 2.0, "the [0, 0] cell is not in the upper half");
    }

    [Fact]
    public void AHundredClassMatrixGrowsSoEveryNameHasRoom()
    {
        var n = 100;
        var counts = new long[n, n];
        for (var i = 0; i < n; i++)
        {
            counts[i, i] = 8;
            counts[i, (i + 1) % n] = 2;
        }
        var path = Path.Combine(directory, "hundred.png");
        Directory.CreateDirectory(directory);
        ConfusionMatrixChart.Save(counts, Enumerable.Range(0, n).Select(i => $"class_{i:D3}").ToArray(), path, normalized: true);

        using var png = Png.Load(path);
        Assert.True(png.Width >= n * 14 && png.Height >= n * 14, $"{png.Width}×{png.Height}");
    }

    [Fact]
    public void MismatchedNamesAreRejectedWithBothCounts()
    {
        var error = Assert.Throws<ArgumentException>(() => ConfusionMatrixChart.Save(new long[2, 2], ["a"], Path.Combine(directory, "x.png"), false));
        Assert.Contains("2×2", error.Message);
        Assert.Contains("1 names", error.Message);
    }

    private static bool Near(SKColor a, SKColor b) => Math.Abs(a.Red - b.Red) <= 8 && Math.Abs(a.Green - b.Green) <= 8 && Math.Abs(a.Blue - b.Blue) <= 8;
}
