using F = Vision.nn.functional;

namespace Vision.nn;

/// <summary>Average pooling to a fixed output size whatever the input size (torch.nn.AdaptiveAvgPool2d); 1 gives global average pooling.</summary>
public sealed class AdaptiveAvgPool2d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    public AdaptiveAvgPool2d(Pair output_size) => this.output_size = output_size;

    /// <summary>The output (H, W).</summary>
    public Pair output_size { get; }

    /// <inheritdoc />
    public override string extra_repr() => $"output_size={Repr.Size(output_size)}";

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => F.adaptive_avg_pool2d(input, output_size.ToArray());
}
