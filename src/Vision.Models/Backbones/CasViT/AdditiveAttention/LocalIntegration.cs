using Vision.nn;

namespace Vision.Models.Backbones.AdditiveAttention;

/// <summary>
/// CAS-ViT's local integration, the convolutional branch at the start of each block: conv1x1 (bias) → BN →
/// depthwise conv3x3 (bias) → GELU → conv1x1 (bias), at the block's width. It gives the additive token mixer, which
/// only sees 3x3 neighbourhoods through its gates, more local context. State-dict keys: <c>network.{0,1,2,4}</c>.
/// </summary>
public sealed class LocalIntegration : Module<Tensor, Tensor>
{
    /// <summary>Creates the branch for <paramref name="dim"/> channels.</summary>
    public LocalIntegration(long dim)
    {
        network = register_module("network", new Sequential(
            new Conv2d(dim, dim, 1),
            new BatchNorm2d(dim),
            new Conv2d(dim, dim, 3, padding: 1, groups: dim),
            new GELU(),
            new Conv2d(dim, dim, 1)));
    }

    /// <summary>The layers in order.</summary>
    public Sequential network { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => network.forward(input);
}
