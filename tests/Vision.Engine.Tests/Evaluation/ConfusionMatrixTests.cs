using Vision.Engine.Evaluation;

namespace Vision.Engine.Tests.Evaluation;

public sealed class ConfusionMatrixTests
{
    [Fact]
    public void CountsLabelPredictionPairsWithGroundTruthRows()
    {
        using var logits = Batches.Predicting(SingleLabelMetricTests.Predicted, 4);
        using var labels = Batches.Labels(SingleLabelMetricTests.Truth);
        var metric = new ConfusionMatrix();
        Batches.Feed(metric, logits, labels, batchSize: 3);
        Assert.Equal(new long[,] { { 2, 1, 0, 0 }, { 1, 1, 0, 0 }, { 0, 1, 0, 0 }, { 1, 0, 1, 0 } }, metric.ComputeMatrix());
        Assert.Empty(metric.Compute());
    }

    [Fact]
    public void TiesPredictTheFirstMaximumAsArgmax()
    {
        using var logits = Batches.Logits([[1, 1, 1], [0, 2, 2]]);
        var metric = new ConfusionMatrix(numClasses: 3);
        metric.Process(logits, Batches.Labels(2, 2));
        Assert.Equal(new long[,] { { 0, 0, 0 }, { 0, 0, 0 }, { 1, 1, 0 } }, metric.ComputeMatrix());
    }

    [Fact]
    public void ResetClearsTheCounts()
    {
        using var logits = Batches.Logits([[1, 0], [0, 1]]);
        var metric = new ConfusionMatrix();
        metric.Process(logits, Batches.Labels(0, 0));
        metric.Reset();
        Assert.Throws<InvalidOperationException>(metric.ComputeMatrix);
        metric.Process(logits, Batches.Labels(1, 1));
        Assert.Equal(new long[,] { { 0, 0 }, { 1, 1 } }, metric.ComputeMatrix());
    }
}
