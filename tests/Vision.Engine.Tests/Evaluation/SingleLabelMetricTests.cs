using Vision.Engine.Evaluation;
using Vision.Tests.Reference;

namespace Vision.Engine.Tests.Evaluation;

public sealed class SingleLabelMetricTests
{
    // Four classes; class 3 has two samples but is never predicted.
    internal static readonly long[] Truth = [0, 0, 0, 1, 1, 2, 3, 3];
    internal static readonly int[] Predicted = [0, 0, 1, 1, 0, 1, 2, 0];

    [Fact]
    public void PerClassAndMacroMatchHandComputedValues()
    {
        using var logits = Batches.Predicting(Predicted, 4);
        using var labels = Batches.Labels(Truth);
        var metric = new SingleLabelMetric();
        Batches.Feed(metric, logits, labels, batchSize: 3);

        // Class 0: TP 2 of 4 predicted and 3 actual; class 1: TP 1 of 3 predicted and 2 actual;
        // class 2: 1 predicted, 1 actual, no TP; class 3: never predicted (precision 0 as in MMPreTrain), 2 actual.
        var perClass = metric.ComputePerClass();
        double[] precision = [50, 100.0 / 3, 0, 0], recall = [200.0 / 3, 50, 0, 0], f1 = [400.0 / 7, 40, 0, 0];
        Numerics.AssertClose(precision, perClass.Select(c => c.Precision).ToArray(), 1e-12, "precision");
        Numerics.AssertClose(recall, perClass.Select(c => c.Recall).ToArray(), 1e-12, "recall");
        Numerics.AssertClose(f1, perClass.Select(c => c.F1Score).ToArray(), 1e-12, "f1-score");
        Assert.Equal([3L, 2, 1, 2], perClass.Select(c => c.Support));

        var macro = metric.Compute();
        Assert.Equal(["single-label/precision", "single-label/recall", "single-label/f1-score"], macro.Keys);
        Assert.Equal(250.0 / 12, macro["single-label/precision"], 12);
        Assert.Equal(350.0 / 12, macro["single-label/recall"], 12);
        Assert.Equal(170.0 / 7, macro["single-label/f1-score"], 12);
    }

    [Fact]
    public void ClassesWithoutSamplesCountInTheMacroAverage()
    {
        // Given 5 classes, the unseen class 4 adds zeros: the macro values are 4/5 of the 4-class ones.
        using var logits = Batches.Predicting(Predicted, 5);
        using var labels = Batches.Labels(Truth);
        var metric = new SingleLabelMetric(numClasses: 5);
        metric.Process(logits, labels);
        Assert.Equal(new ClassMetrics(0, 0, 0, 0), metric.ComputePerClass()[4]);
        Assert.Equal(250.0 / 15, metric.Compute()["single-label/precision"], 12);
        using var four = Batches.Predicting(Predicted, 4);
        var e = Assert.Throws<ArgumentException>(() => metric.Process(four, labels));
        Assert.Contains("expected logits for 5 classes, got 4", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void MatchesMMPreTrainsFormulaWithTies()
    {
        using var generator = new Generator(11);
        using var logits = torch.randint(0, 3, [50, 6], ScalarType.Float32, generator: generator);
        using var labels = torch.randint(0, 6, [50], generator: generator);
        // MMPreTrain's SingleLabelMetric.calculate and _precision_recall_f1_support, average='macro', thrs=(None,).
        var reference = TorchReference.Run("""
            pred, target = inp["logits"], inp["labels"]
            _, pred_label = torch.topk(pred, k=1)
            pred_positive = F.one_hot(pred_label.flatten(), 6)
            gt_positive = F.one_hot(target, 6)
            tp_sum = (pred_positive & gt_positive).sum(0)
            precision = tp_sum / torch.clamp(pred_positive.sum(0), min=1).float() * 100
            recall = tp_sum / torch.clamp(gt_positive.sum(0), min=1).float() * 100
            f1 = 2 * precision * recall / torch.clamp(precision + recall, min=torch.finfo(torch.float32).eps)
            out["macro"] = [precision.mean().item(), recall.mean().item(), f1.mean().item()]
            out["f1"] = f1
            """, new Dictionary<string, Tensor> { ["logits"] = logits, ["labels"] = labels });
        var metric = new SingleLabelMetric();
        Batches.Feed(metric, logits, labels, batchSize: 7);
        var macro = metric.Compute();
        Numerics.AssertClose(TorchReference.Doubles(reference.GetProperty("macro")),
            [macro["single-label/precision"], macro["single-label/recall"], macro["single-label/f1-score"]], 1e-5, "macro P/R/F1");
        Numerics.AssertClose(TorchReference.Doubles(reference.GetProperty("f1")), metric.ComputePerClass().Select(c => c.F1Score).ToArray(), 1e-5, "F1 per class");
    }
}
