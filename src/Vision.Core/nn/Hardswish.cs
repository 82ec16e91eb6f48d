using F = Vision.nn.functional;

namespace Vision.nn;

/// <summary>x · relu6(x + 3) / 6 elementwise (torch.nn.Hardswish).</summary>
public sealed class Hardswish : Module<Tensor, Tensor>
{
    /// <inheritdoc />
    public override Tensor forward(Tensor input) => F.hardswish(input);
}
