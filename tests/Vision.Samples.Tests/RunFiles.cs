using System.Text.RegularExpressions;
using Vision.Engine.Evaluation;
using Vision.Engine.Logging;
using Vision.Samples.Common;

namespace Vision.Samples.Tests;

/// <summary>Reads back what a recipe run wrote: logged scalars, SVG curves, checkpoints and the report.</summary>
internal static partial class RunFiles
{
    public static IReadOnlyList<ScalarRow> Scalars(RecipeResult result) =>
        ScalarCurves.ReadCsv(Path.Combine(result.Fit.LogDir, CsvScalarWriter.FileName));

    /// <summary>The number of points of each series polyline in an SVG written by <see cref="SvgLineChart"/>, by legend label.</summary>
    public static Dictionary<string, int> PointsPerSeries(string svgPath) =>
        SeriesPolyline().Matches(File.ReadAllText(svgPath))
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);

    /// <summary>How many finite values of <paramref name="name"/> were logged in <paramref name="mode"/>.</summary>
    public static int Logged(IReadOnlyList<ScalarRow> rows, string mode, string name) =>
        rows.Count(r => r.Mode == mode && r.Name == name && double.IsFinite(r.Value));

    public static string[] CheckpointNames(RecipeResult result) =>
        Directory.GetDirectories(Path.Combine(result.Fit.WorkDir, "checkpoints")).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();

    /// <summary>The report files exist and the confusion matrix counts every evaluated image once.</summary>
    public static void AssertReport(RecipeResult result, int evaluatedImages)
    {
        Assert.True(File.Exists(Path.Combine(result.ReportDirectory, EvaluationReport.JsonFileName)));
        Assert.True(File.Exists(Path.Combine(result.ReportDirectory, EvaluationReport.MarkdownFileName)));
        Assert.Equal(TinyClassFolders.Classes, result.Report.Classes);
        var matrix = result.Report.ConfusionMatrix!;
        Assert.Equal(evaluatedImages, matrix.Cast<long>().Sum());
        var top1 = result.Report.Metrics["accuracy/top1"];
        Assert.InRange(top1, 0, 100);
        // Three classes: top-5 is clipped to top-3, which always holds the label.
        Assert.Equal(100, result.Report.Metrics["accuracy/top5"]);
    }

    /// <summary>loss.svg has a point per logged train and val loss; accuracy.svg one per logged val accuracy.</summary>
    public static void AssertCurves(RecipeResult result)
    {
        var rows = Scalars(result);
        Assert.Equal([ScalarCurves.LossChartFileName, ScalarCurves.AccuracyChartFileName], result.Curves.Select(Path.GetFileName));
        var loss = PointsPerSeries(result.Curves[0]);
        Assert.Equal(Logged(rows, "train", "loss"), loss["train/loss"]);
        Assert.Equal(Logged(rows, "val", "loss"), loss["val/loss"]);
        var accuracy = PointsPerSeries(result.Curves[1]);
        Assert.Equal(["val/accuracy/top1", "val/accuracy/top5"], accuracy.Keys.Order(StringComparer.Ordinal));
        Assert.All(accuracy, series => Assert.Equal(Logged(rows, "val", series.Key["val/".Length..]), series.Value));
        Assert.True(loss["train/loss"] > 0 && accuracy["val/accuracy/top1"] > 0);
    }

    [GeneratedRegex("<g class=\"series\" data-label=\"([^\"]*)\">\\n<polyline points=\"([^\"]*)\"")]
    private static partial Regex SeriesPolyline();
}
