using Vision.Analysis;
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
        using var scope = torch.NewDisposeScope();
        var features = input;
        for (var i = 0; i < 3; i++)
        {
            features = block[i].forward(features);
        }
        // The 1x1 convolution to one channel is w (1, C) times the (C, H·W) pixels of each image: as a matrix product
        // it skips the convolution's layout conversions (forward + backward 1.5–2.5× faster here, the same sums).
        var weight = ((Conv2d)block[3]).weight;
        var (n, c, h, w) = (features.size(0), features.size(1), features.size(2), features.size(3));
        var logits = weight.view(1, c).matmul(features.reshape(n, c, h * w)).view(n, 1, h, w);
        MacCounter.Add(n * c * h * w, weight);
        return input.mul(block[4].forward(logits)).MoveToOuterDisposeScope();
    }
}
