using Vision.nn;

namespace Vision.Models.Backbones.AdditiveAttention;

/// <summary>
/// CAS-ViT's spatial operation: x · σ(conv1x1 d→1 (ReLU(BN(dwconv3x3(x))))), one gate per pixel shared by all
/// channels, so the token mixer can weight locations at linear cost. State-dict keys: <c>block.0</c> (depthwise 3x3 with
/// bias), <c>block.1</c> (BN), <c>block.3</c> (1x1 without bias).
/// </summary>
public sealed class SpatialOperation : Module<Tensor, Tensor>
{
    /// <summary>Creates the operation for <paramref name="dim"/> channels.</summary>
    public SpatialOperation(long dim)
    {
        block = register_module("block", new Sequential(
            new Conv2d(dim, dim, 3, padding: 1, groups: dim),
            new BatchNorm2d(dim),
            new ReLU(inplace: true),
            new Conv2d(dim, 1, 1, bias: false),
            new Sigmoid()));
    }

    /// <summary>The gate: depthwise conv, BN, ReLU, 1x1 conv to one channel, sigmoid.</summary>
    public Sequential block { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var gate = block.forward(input);
        return input.mul(gate);
    }
}
