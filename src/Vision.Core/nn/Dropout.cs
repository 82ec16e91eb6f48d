using F = Vision.nn.functional;

namespace Vision.nn;

/// <summary>
/// Dropout (torch.nn.Dropout): in training, zeroes each element with probability <c>p</c> and scales the rest by
/// 1/(1 - p); in evaluation, passes the input through.
/// </summary>
public sealed class Dropout : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1].</exception>
    public Dropout(double p = 0.5)
    {
        if (p is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout probability must be in [0, 1].");
        }
        this.p = p;
    }

    /// <summary>The probability of zeroing an element.</summary>
    public double p { get; }

    /// <inheritdoc />
    public override string extra_repr() => $"p={Repr.Float(p)}";

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => F.dropout(input, p, training);
}
