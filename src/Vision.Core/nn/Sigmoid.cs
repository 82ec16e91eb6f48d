using F = Vision.nn.functional;

namespace Vision.nn;

/// <summary>The logistic function 1 / (1 + e⁻ˣ) elementwise (torch.nn.Sigmoid).</summary>
public sealed class Sigmoid : Module<Tensor, Tensor>
{
    /// <inheritdoc />
    public override Tensor forward(Tensor input) => F.sigmoid(input);
}
