using System.Text.Json;
using Vision.Engine.Evaluation;

namespace Vision.Engine.Tests.Evaluation;

public sealed class EvaluationReportTests
{
    private static readonly string[] Classes = ["cat", "dog", "bird|avian", "fish"];

    private static EvaluationReport Evaluate()
    {
        using var logits = Batches.Predicting(SingleLabelMetricTests.Predicted, 4);
        using var labels = Batches.Labels(SingleLabelMetricTests.Truth);
        IEvaluator[] evaluators = [new Accuracy([1]), new SingleLabelMetric(), new ConfusionMatrix()];
        foreach (var evaluator in evaluators)
        {
            Batches.Feed(evaluator, logits, labels, batchSize: 5);
        }
        return EvaluationReport.FromEvaluators(evaluators, Classes);
    }

    [Fact]
    public void JsonHoldsMetricsPerClassValuesAndMatrix()
    {
        var folder = Directory.CreateTempSubdirectory("vision-report-");
        try
        {
            var target = Path.Combine(folder.FullName, "test");
            Evaluate().Save(target);
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(target, EvaluationReport.JsonFileName)));
            var root = json.RootElement;
            var metrics = root.GetProperty("metrics");
            Assert.Equal(37.5, metrics.GetProperty("accuracy/top1").GetDouble(), 12);
            Assert.Equal(250.0 / 12, metrics.GetProperty("single-label/precision").GetDouble(), 12);
            Assert.Equal(Classes, root.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
            var cat = root.GetProperty("per_class")[0];
            Assert.Equal("cat", cat.GetProperty("class").GetString());
            Assert.Equal(50.0, cat.GetProperty("precision").GetDouble(), 12);
            Assert.Equal(200.0 / 3, cat.GetProperty("recall").GetDouble(), 12);
            Assert.Equal(400.0 / 7, cat.GetProperty("f1-score").GetDouble(), 12);
            Assert.Equal(3, cat.GetProperty("support").GetInt64());
            var rows = root.GetProperty("confusion_matrix").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
            Assert.Equal([[2, 1, 0, 0], [1, 1, 0, 0], [0, 1, 0, 0], [1, 0, 1, 0]], rows);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void MarkdownHasMetricPerClassAndMatrixTables()
    {
        var lines = Evaluate().ToMarkdown().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Contains("| accuracy/top1 | 37.50 |", lines);
        Assert.Contains("| single-label/f1-score | 24.29 |", lines);
        Assert.Contains("| Class | Precision | Recall | F1-score | Support |", lines);
        Assert.Contains("| cat | 50.00 | 66.67 | 57.14 | 3 |", lines);
        Assert.Contains("| fish | 0.00 | 0.00 | 0.00 | 2 |", lines);
        Assert.Contains("| Macro average | 20.83 | 29.17 | 24.29 | 8 |", lines);
        Assert.Contains("| Ground truth \\ Prediction | cat | dog | bird\\|avian | fish |", lines);
        Assert.Contains("| bird\\|avian | 0 | 1 | 0 | 0 |", lines);
        Assert.Contains("| fish | 1 | 0 | 1 | 0 |", lines);
    }

    [Fact]
    public void WithoutNamesClassesAreTheirLabels()
    {
        var report = new EvaluationReport(new Dictionary<string, double> { ["loss"] = double.NaN }, confusionMatrix: new long[,] { { 1, 0 }, { 2, 3 } });
        Assert.Equal(["0", "1"], report.Classes);
        using var json = JsonDocument.Parse(report.ToJson());
        Assert.Equal("NaN", json.RootElement.GetProperty("metrics").GetProperty("loss").GetString());
        Assert.Contains("| 1 | 2 | 3 |", report.ToMarkdown().Split('\n').Select(l => l.TrimEnd('\r')));
    }

    [Fact]
    public void RejectsDisagreeingClassCounts()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            new EvaluationReport(new Dictionary<string, double>(), ["a", "b", "c"], confusionMatrix: new long[2, 2]));
        Assert.Contains("3 class names, 2 confusion matrix classes", e.Message, StringComparison.Ordinal);
    }
}
