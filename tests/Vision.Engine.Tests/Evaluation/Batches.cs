namespace Vision.Engine.Tests.Evaluation;

/// <summary>Crafted evaluation batches.</summary>
internal static class Batches
{
    /// <summary>Logits (N, C) from rows of numbers.</summary>
    public static Tensor Logits(double[][] rows) =>
        torch.tensor(rows.SelectMany(r => r).Select(v => (float)v).ToArray(), rows.Length, rows[0].Length);

    /// <summary>Logits (N, C) whose unique maximum is at <paramref name="predictions"/>[i] in row i.</summary>
    public static Tensor Predicting(int[] predictions, int classes) =>
        Logits([.. predictions.Select(p => Enumerable.Range(0, classes).Select(c => c == p ? 2.0 : -0.1 * c).ToArray())]);

    /// <summary>int64 labels (N).</summary>
    public static Tensor Labels(params long[] labels) => torch.tensor(labels, labels.Length);

    /// <summary>Feeds rows [start, end) of the logits and labels to <paramref name="evaluator"/> in batches of <paramref name="batchSize"/>.</summary>
    public static void Feed(Vision.Engine.Evaluation.IEvaluator evaluator, Tensor logits, Tensor labels, int batchSize)
    {
        var n = logits.size(0);
        for (long start = 0; start < n; start += batchSize)
        {
            var length = Math.Min(batchSize, n - start);
            evaluator.Process(logits.narrow(0, start, length), labels.narrow(0, start, length));
        }
    }
}
