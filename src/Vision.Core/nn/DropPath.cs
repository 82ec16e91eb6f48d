using F = Vision.nn.functional;

namespace Vision.nn;

/// <summary>
/// Stochastic depth per sample (timm's DropPath), for the residual branch of a block: in training, each sample's
/// branch output is zeroed with probability <c>drop_prob</c> and, with <c>scale_by_keep</c>, the kept ones are
/// scaled by 1/(1 - drop_prob); in evaluation it passes the input through.
/// </summary>
public sealed class DropPath : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="drop_prob"/> is outside [0, 1].</exception>
    public DropPath(double drop_prob = 0, bool scale_by_keep = true)
    {
        if (drop_prob is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(drop_prob), drop_prob, "DropPath probability must be in [0, 1].");
        }
        this.drop_prob = drop_prob;
        this.scale_by_keep = scale_by_keep;
    }

    /// <summary>The probability of dropping a sample's path.</summary>
    public double drop_prob { get; }

    /// <summary>Whether kept samples are scaled by 1/(1 - drop_prob).</summary>
    public bool scale_by_keep { get; }

    /// <inheritdoc />
    public override string extra_repr() => $"drop_prob={drop_prob.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)}";

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => F.drop_path(input, drop_prob, training, scale_by_keep);
}
