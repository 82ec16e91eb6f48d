using Vision.Engine.Training;
using F = Vision.nn.functional;

namespace Vision.Engine.Evaluation;

/// <summary>
/// The mean loss over an evaluation pass, reported as <c>"loss"</c>: each batch's mean loss weighted by its size,
/// so the result is the per-sample mean however the last batch is cut.
/// </summary>
public sealed class LossEvaluator : IEvaluator
{
    private readonly LossFunction loss;
    private double total;
    private long count;

    /// <summary>Creates the evaluator; <paramref name="loss"/> defaults to cross-entropy.</summary>
    public LossEvaluator(LossFunction? loss = null) => this.loss = loss ?? ((logits, targets) => F.cross_entropy(logits, targets));

    /// <inheritdoc/>
    public void Reset()
    {
        total = 0;
        count = 0;
    }

    /// <inheritdoc/>
    public void Process(Tensor logits, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        using var value = loss(logits, targets);
        var n = logits.shape[0];
        total += value.item<double>() * n;
        count += n;
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> Compute() =>
        new Dictionary<string, double> { ["loss"] = count == 0 ? double.NaN : total / count };
}
