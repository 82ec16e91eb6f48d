namespace Vision.Engine.Evaluation;

/// <summary>
/// Precision, recall and F1-score per class and their macro average, in percent (MMPreTrain's SingleLabelMetric
/// with average='macro' and no score threshold). The prediction of a sample is the index <c>torch.topk(logits, 1)</c>
/// returns. Per class: precision = TP / max(predicted, 1), recall = TP / max(actual, 1) and
/// F1 = 2·P·R / (P + R), or 0 when P + R = 0. As in MMPreTrain, a class that nothing was predicted as has
/// precision 0 (not undefined) and a class without samples has recall 0, and both still count in the macro
/// average, the unweighted mean over all C classes. Metrics are named <c>single-label/precision</c>,
/// <c>single-label/recall</c> and <c>single-label/f1-score</c>; <see cref="ComputePerClass"/> gives the per-class
/// values. Counts are int64 over all batches, so results do not depend on the batch size.
/// </summary>
public sealed class SingleLabelMetric : IEvaluator
{
    /// <summary>The prefix of the metric names.</summary>
    public const string Prefix = "single-label";

    private readonly int? configuredClasses;
    private int? numClasses;
    private long[] truePositives = [];
    private long[] predicted = [];
    private long[] actual = [];
    private long count;

    /// <summary>Creates the metric.</summary>
    /// <param name="numClasses">The number of classes, checked against every batch; null takes it from the first batch.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numClasses"/> is below 1.</exception>
    public SingleLabelMetric(int? numClasses = null)
    {
        if (numClasses is { } n)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(n, 1, nameof(numClasses));
        }
        configuredClasses = numClasses;
        this.numClasses = numClasses;
    }

    /// <inheritdoc/>
    public void Reset()
    {
        numClasses = configuredClasses;
        truePositives = predicted = actual = [];
        count = 0;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The batch is not (N, C) logits with N int64 labels in [0, C), or C differs from earlier batches.</exception>
    public void Process(Tensor logits, Tensor targets)
    {
        var labels = EvaluationInput.Labels(nameof(SingleLabelMetric), logits, targets, ref numClasses);
        if (truePositives.Length != numClasses)
        {
            truePositives = new long[numClasses!.Value];
            predicted = new long[numClasses.Value];
            actual = new long[numClasses.Value];
        }
        using var scope = torch.NewDisposeScope();
        var predictions = logits.topk(1, dim: 1).indices.data<long>();
        for (var i = 0; i < labels.Length; i++)
        {
            predicted[predictions[i]]++;
            actual[labels[i]]++;
            if (predictions[i] == labels[i])
            {
                truePositives[labels[i]]++;
            }
        }
        count += labels.Length;
    }

    /// <summary>The macro-averaged precision, recall and F1-score.</summary>
    /// <exception cref="InvalidOperationException">No sample was processed since the last <see cref="Reset"/>.</exception>
    public IReadOnlyDictionary<string, double> Compute()
    {
        var perClass = ComputePerClass();
        return new Dictionary<string, double>
        {
            [$"{Prefix}/precision"] = perClass.Average(c => c.Precision),
            [$"{Prefix}/recall"] = perClass.Average(c => c.Recall),
            [$"{Prefix}/f1-score"] = perClass.Average(c => c.F1Score),
        };
    }

    /// <summary>The metrics of every class, indexed by label.</summary>
    /// <exception cref="InvalidOperationException">No sample was processed since the last <see cref="Reset"/>.</exception>
    public IReadOnlyList<ClassMetrics> ComputePerClass()
    {
        EvaluationInput.RequireSamples(nameof(SingleLabelMetric), count);
        var result = new ClassMetrics[truePositives.Length];
        for (var c = 0; c < result.Length; c++)
        {
            var precision = 100.0 * truePositives[c] / Math.Max(predicted[c], 1);
            var recall = 100.0 * truePositives[c] / Math.Max(actual[c], 1);
            var f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
            result[c] = new ClassMetrics(precision, recall, f1, actual[c]);
        }
        return result;
    }
}
