namespace Vision.Engine.Evaluation;

/// <summary>
/// Checks of the (logits, targets) pairs the evaluators receive, shared so that every metric rejects a bad batch
/// with the same message: a wrong label would otherwise be silently counted as a miss, or index out of range.
/// </summary>
internal static class EvaluationInput
{
    /// <summary>
    /// Validates a batch and returns its labels on the CPU. The class count is fixed by the first batch (or by
    /// <paramref name="numClasses"/> when the metric was given one) and later batches must agree.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes, dtype or label values are not those of a classification batch.</exception>
    public static long[] Labels(string metric, Tensor logits, Tensor targets, ref int? numClasses)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        var shape = logits.shape;
        if (shape.Length != 2 || shape[1] < 1)
        {
            throw new ArgumentException($"{metric}: logits must have shape (N, C) with C >= 1, got ({string.Join(", ", shape)}).", nameof(logits));
        }
        if (targets.dtype != ScalarType.Int64 || targets.dim() != 1 || targets.size(0) != shape[0])
        {
            throw new ArgumentException(
                $"{metric}: targets must be int64 class indices of shape ({shape[0]}), got {targets.dtype} ({string.Join(", ", targets.shape)}); " +
                "soft (Mixup/CutMix) targets are for training only.", nameof(targets));
        }
        var classes = (int)shape[1];
        if (numClasses is { } expected && expected != classes)
        {
            throw new ArgumentException($"{metric}: expected logits for {expected} classes, got {classes}.", nameof(logits));
        }
        numClasses = classes;
        var labels = targets.data<long>();
        foreach (var label in labels)
        {
            if (label < 0 || label >= classes)
            {
                throw new ArgumentException($"{metric}: label {label} is out of range for {classes} classes.", nameof(targets));
            }
        }
        return labels;
    }

    /// <summary>Throws when a metric is computed before any sample was processed.</summary>
    public static void RequireSamples(string metric, long count)
    {
        if (count == 0)
        {
            throw new InvalidOperationException($"{metric}: no samples were processed since the last Reset, so there is nothing to compute.");
        }
    }
}
