using F = Vision.nn.functional;

namespace Vision.nn;

/// <summary>relu6(x + 3) / 6 elementwise (torch.nn.Hardsigmoid).</summary>
public sealed class Hardsigmoid : Module<Tensor, Tensor>
{
    /// <inheritdoc />
    public override Tensor forward(Tensor input) => F.hardsigmoid(input);
}
