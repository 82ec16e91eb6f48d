using Vision.Engine.Evaluation;
using Vision.Engine.Logging;
using Vision.Engine.Visualization;
using Vision.Samples.Common;

namespace Vision.Samples.Tests;

/// <summary>Reads back what a recipe run wrote: logged scalars, curves, checkpoints and the report.</summary>
internal static class RunFiles
{
    public static IReadOnlyList<ScalarRow> Scalars(RecipeResult result) =>
        ScalarCsvReader.Read(Path.Combine(result.Fit.LogDir, CsvScalarWriter.FileName));

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

    /// <summary>The charts hold a point per logged train and val loss and per logged val accuracy, and were drawn as PNGs.</summary>
    public static void AssertCurves(RecipeResult result)
    {
        var rows = Scalars(result);
        // Loss and lr first, then a chart per validation metric family (accuracy, single-label P/R/F1, …).
        Assert.Equal([TrainingCurves.LossChartFileName, TrainingCurves.LrChartFileName], result.Curves.Take(2).Select(Path.GetFileName));
        Assert.Contains("accuracy.png", result.Curves.Select(Path.GetFileName));
        var charts = TrainingCurves.Charts([CurveRun.FromWorkDir(result.Fit.WorkDir)], CurveAxis.Epoch).ToDictionary(c => c.FileName);
        var loss = charts[TrainingCurves.LossChartFileName].Series.ToDictionary(s => s.Label, s => s.Points.Count);
        Assert.Equal(Logged(rows, "train", "loss"), loss["train/loss"]);
        Assert.Equal(Logged(rows, "val", "loss"), loss["val/loss"]);
        var accuracy = charts["accuracy.png"].Series.ToDictionary(s => s.Label, s => s.Points.Count);
        Assert.Equal(["val/accuracy/top1", "val/accuracy/top5"], accuracy.Keys.Order(StringComparer.Ordinal));
        Assert.All(accuracy, series => Assert.Equal(Logged(rows, "val", series.Key["val/".Length..]), series.Value));
        Assert.True(loss["train/loss"] > 0 && accuracy["val/accuracy/top1"] > 0);
        Assert.All(result.Curves, path => Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(path)[..4]));
    }
}
