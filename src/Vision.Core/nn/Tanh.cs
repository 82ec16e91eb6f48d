using F = Vision.nn.functional;

namespace Vision.nn;

/// <summary>The hyperbolic tangent elementwise (torch.nn.Tanh).</summary>
public sealed class Tanh : Module<Tensor, Tensor>
{
    /// <inheritdoc />
    public override Tensor forward(Tensor input) => F.tanh(input);
}
