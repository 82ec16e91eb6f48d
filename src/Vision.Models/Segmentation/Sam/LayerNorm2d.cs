using Vision.nn;

namespace Vision.Models.Segmentation.Sam;

/// <summary>
/// Layer normalization over the channel axis of (N, C, H, W) maps, each pixel on its own (SAM's and ConvNeXt's
/// LayerNorm2d): biased variance, <c>eps</c> inside the square root, then a per-channel affine.
/// </summary>
public sealed class LayerNorm2d : Module<Tensor, Tensor>
{
    /// <summary>A norm over <paramref name="num_channels"/> channels, weight ones and bias zeros.</summary>
    public LayerNorm2d(long num_channels, double eps = 1e-6)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(num_channels);
        this.eps = eps;
        register_parameter("weight", torch.ones(num_channels));
        register_parameter("bias", torch.zeros(num_channels));
    }

    /// <summary>Added to the variance before the square root.</summary>
    public double eps { get; }

    /// <summary>Per-channel scale (C).</summary>
    public Tensor weight => GetParameter("weight")!;

    /// <summary>Per-channel shift (C).</summary>
    public Tensor bias => GetParameter("bias")!;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var centred = input - input.mean([1], keepdim: true);
        var normalized = centred / (centred.pow(2).mean([1], keepdim: true) + eps).sqrt();
        return (weight.view(-1, 1, 1) * normalized + bias.view(-1, 1, 1)).MoveToOuterDisposeScope();
    }
}
