using F = Vision.nn.functional;

namespace Vision.nn;

/// <summary>max(x, 0) elementwise (torch.nn.ReLU).</summary>
/// <param name="inplace">
/// Overwrite the input instead of allocating the result, as <c>nn.ReLU(inplace=True)</c>: only where autograd does not
/// keep the input for a backward pass (e.g. after BatchNorm or a convolution, which keep their own inputs).
/// </param>
public sealed class ReLU(bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>Whether the input is overwritten.</summary>
    public bool inplace { get; } = inplace;

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => inplace ? input.relu_() : F.relu(input);
}
