using F = Vision.nn.functional;

namespace Vision.nn;

/// <summary>Softmax along one dimension (torch.nn.Softmax): exp(x) normalised to sum to 1.</summary>
public sealed class Softmax : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer for dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public Softmax(long dim) => this.dim = dim;

    /// <summary>The dimension that sums to 1.</summary>
    public long dim { get; }

    /// <inheritdoc />
    public override string extra_repr() => $"dim={dim}";

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => F.softmax(input, dim);
}
