namespace Vision.Engine.Evaluation;

/// <summary>
/// A validation or test metric (MMEngine's <c>BaseMetric</c>): the trainer calls <see cref="Reset"/> before an
/// evaluation pass, <see cref="Process"/> once per batch and <see cref="Compute"/> at the end. Metric names are
/// slash-separated, e.g. <c>"accuracy/top1"</c>, <c>"accuracy/top5"</c>, <c>"loss"</c>.
/// </summary>
public interface IEvaluator
{
    /// <summary>Forgets everything processed so far.</summary>
    void Reset();

    /// <summary>Accumulates one batch: float logits (N, classes) and int64 class labels (N).</summary>
    void Process(Tensor logits, Tensor targets);

    /// <summary>The metrics over every batch processed since <see cref="Reset"/>.</summary>
    IReadOnlyDictionary<string, double> Compute();
}
