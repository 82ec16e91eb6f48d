using F = Vision.nn.functional;

namespace Vision.nn;

/// <summary>x for x ≥ 0 and negative_slope · x otherwise, elementwise (torch.nn.LeakyReLU).</summary>
public sealed class LeakyReLU : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    public LeakyReLU(double negative_slope = 0.01) => this.negative_slope = negative_slope;

    /// <summary>The slope for negative inputs.</summary>
    public double negative_slope { get; }

    /// <inheritdoc />
    public override string extra_repr() => $"negative_slope={Repr.Float(negative_slope)}";

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => F.leaky_relu(input, negative_slope);
}
