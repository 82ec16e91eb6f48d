using F = Vision.nn.functional;

namespace Vision.nn;

/// <summary>Max pooling to a fixed output size whatever the input size (torch.nn.AdaptiveMaxPool2d).</summary>
public sealed class AdaptiveMaxPool2d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    public AdaptiveMaxPool2d(Pair output_size) => this.output_size = output_size;

    /// <summary>The output (H, W).</summary>
    public Pair output_size { get; }

    /// <inheritdoc />
    public override string extra_repr() => $"output_size={Repr.Size(output_size)}";

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => F.adaptive_max_pool2d(input, output_size.ToArray());
}
