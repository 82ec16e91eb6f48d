using Microsoft.Extensions.Logging;
using Vision.Engine.Evaluation;
using Vision.Tests.Reference;

namespace Vision.Engine.Tests.Evaluation;

public sealed class AccuracyTests
{
    // Ranks of the labels among the logits: 1, 2, 6, 3, 1 (by value, no ties).
    private static readonly double[][] Rows =
    [
        [0.1, 0.2, 3.0, 0.3, 0.0, -1.0],
        [1.0, 2.0, 0.5, 0.0, -1.0, -2.0],
        [5.0, 4.0, 3.0, 2.0, 1.0, 0.0],
        [0.0, 0.5, 1.0, 2.0, 3.0, 4.0],
        [0.0, 0.0, 0.0, 0.0, 9.0, 0.0],
    ];

    private static readonly long[] Labels = [2, 0, 5, 3, 4];

    [Fact]
    public void TopKMatchesHandCountedRanks()
    {
        using var logits = Batches.Logits(Rows);
        using var labels = Batches.Labels(Labels);
        var accuracy = new Accuracy([1, 2, 3, 5]);
        accuracy.Process(logits, labels);
        var metrics = accuracy.Compute();
        Assert.Equal(["accuracy/top1", "accuracy/top2", "accuracy/top3", "accuracy/top5"], metrics.Keys);
        Assert.Equal(40.0, metrics["accuracy/top1"], 12);
        Assert.Equal(60.0, metrics["accuracy/top2"], 12);
        Assert.Equal(80.0, metrics["accuracy/top3"], 12);
        Assert.Equal(80.0, metrics["accuracy/top5"], 12);
    }

    [Fact]
    public void DefaultsToTop1AndTop5AndAccumulatesOverBatches()
    {
        using var logits = Batches.Logits(Rows);
        using var labels = Batches.Labels(Labels);
        var accuracy = new Accuracy();
        Batches.Feed(accuracy, logits, labels, batchSize: 2);
        var metrics = accuracy.Compute();
        Assert.Equal(2, metrics.Count);
        Assert.Equal(40.0, metrics["accuracy/top1"], 12);
        Assert.Equal(80.0, metrics["accuracy/top5"], 12);
    }

    [Fact]
    public void ResetStartsANewRun()
    {
        using var logits = Batches.Logits(Rows);
        using var labels = Batches.Labels(Labels);
        var accuracy = new Accuracy([1]);
        accuracy.Process(logits, labels);
        accuracy.Reset();
        Assert.Throws<InvalidOperationException>(accuracy.Compute);
        accuracy.Process(logits.narrow(0, 0, 1), labels.narrow(0, 0, 1));
        Assert.Equal(100.0, accuracy.Compute()["accuracy/top1"], 12);
    }

    [Fact]
    public void KAboveTheClassCountIsClippedWithOneWarning()
    {
        // Three classes: top-1 hits rows 0 and 2; top-5 is clipped to top-3, which every row hits.
        using var logits = Batches.Logits([[3, 2, 1], [1, 2, 3], [0, 5, 1], [2, 1, 0]]);
        using var labels = Batches.Labels(0, 0, 1, 2);
        var logger = new ListLogger();
        var accuracy = new Accuracy([1, 5], logger);
        Batches.Feed(accuracy, logits, labels, batchSize: 2);
        var metrics = accuracy.Compute();
        Assert.Equal(50.0, metrics["accuracy/top1"], 12);
        Assert.Equal(100.0, metrics["accuracy/top5"], 12);
        var warning = Assert.Single(logger.Messages);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("top-5", warning.Message, StringComparison.Ordinal);
        Assert.Contains("3 classes", warning.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void TiesFollowTorchTopkAsMMPreTrainDoes()
    {
        // Small integer logits make many ties; the reference is MMPreTrain's Accuracy.calculate on the same logits.
        using var generator = new Generator(5);
        using var logits = torch.randint(0, 3, [64, 7], ScalarType.Float32, generator: generator);
        using var labels = torch.randint(0, 7, [64], generator: generator);
        var reference = TorchReference.Run("""
            pred, target = inp["logits"], inp["labels"]
            _, pred_label = pred.topk(5, dim=1)
            correct = pred_label.t().eq(target.view(1, -1).expand_as(pred_label.t()))
            out["acc"] = [correct[:k].reshape(-1).float().sum(0).item() * 100.0 / pred.size(0) for k in (1, 3, 5)]
            """, new Dictionary<string, Tensor> { ["logits"] = logits, ["labels"] = labels });
        var accuracy = new Accuracy([1, 3, 5]);
        Batches.Feed(accuracy, logits, labels, batchSize: 10);
        var metrics = accuracy.Compute();
        Numerics.AssertClose(TorchReference.Doubles(reference.GetProperty("acc")),
            [metrics["accuracy/top1"], metrics["accuracy/top3"], metrics["accuracy/top5"]], 1e-6, "top-1/3/5 accuracy");
    }

    [Theory]
    [InlineData(new int[0], "at least one k")]
    [InlineData(new[] { 1, 0 }, "at least 1, got 0")]
    [InlineData(new[] { 5, 1, 5 }, "k = 5 more than once")]
    public void RejectsInvalidTopk(int[] topk, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => new Accuracy(topk));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RejectsLabelsOutOfRangeAndChangingClassCounts()
    {
        using var logits = Batches.Logits([[1, 2, 3], [3, 2, 1]]);
        var accuracy = new Accuracy([1]);
        var e = Assert.Throws<ArgumentException>(() => accuracy.Process(logits, Batches.Labels(0, 3)));
        Assert.Contains("label 3 is out of range for 3 classes", e.Message, StringComparison.Ordinal);
        accuracy.Process(logits, Batches.Labels(2, 0));
        using var wider = Batches.Logits([[1, 2, 3, 4]]);
        e = Assert.Throws<ArgumentException>(() => accuracy.Process(wider, Batches.Labels(0)));
        Assert.Contains("expected logits for 3 classes, got 4", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => accuracy.Process(logits, torch.tensor(new[] { 0, 1 }, 2)));
        Assert.Contains("targets must be int64", e.Message, StringComparison.Ordinal);
    }
}
