using F = Vision.nn.functional;

namespace Vision.nn;

/// <summary>x · sigmoid(x) elementwise, also called swish (torch.nn.SiLU).</summary>
public sealed class SiLU : Module<Tensor, Tensor>
{
    /// <inheritdoc />
    public override Tensor forward(Tensor input) => F.silu(input);
}
