using Vision.nn;

namespace Vision.Models.Backbones.AdditiveAttention;

/// <summary>
/// The downsampler between CAS-ViT stages (the official code's Embedding): conv3x3 stride 2 padding 1 (bias) from
/// one stage's width to the next, then BN, with no activation. State-dict keys: <c>proj</c>, <c>norm</c>.
/// </summary>
public sealed class StageEmbedding : Module<Tensor, Tensor>
{
    /// <summary>Creates the downsampler.</summary>
    /// <param name="in_channels">Width of the stage before.</param>
    /// <param name="out_channels">Width of the stage after.</param>
    public StageEmbedding(long in_channels, long out_channels)
    {
        proj = register_module("proj", new Conv2d(in_channels, out_channels, 3, stride: 2, padding: 1));
        norm = register_module("norm", new BatchNorm2d(out_channels));
    }

    /// <summary>The strided convolution.</summary>
    public Conv2d proj { get; }

    /// <summary>The normalisation.</summary>
    public BatchNorm2d norm { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var projected = proj.forward(input);
        return norm.forward(projected);
    }
}
