using F = Vision.nn.functional;
using Vision.nn;

namespace Vision.Models.Backbones.AdditiveAttention;

/// <summary>
/// CAS-ViT's channel operation: y · σ(conv1x1 d→d (global average pool(y))), a squeeze-and-excitation style gate per
/// channel. State-dict key: <c>block.1</c> (the 1x1 convolution, without bias).
/// </summary>
public sealed class ChannelOperation : Module<Tensor, Tensor>
{
    /// <summary>Creates the operation for <paramref name="dim"/> channels.</summary>
    public ChannelOperation(long dim)
    {
        block = register_module("block", new Sequential(
            new AdaptiveAvgPool2d(1),
            new Conv2d(dim, dim, 1, bias: false),
            new Sigmoid()));
    }

    /// <summary>The gate: global average pool, 1x1 conv, sigmoid.</summary>
    public Sequential block { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        // The 1x1 convolution of the pooled 1x1 map is a matrix product; as F.linear it skips the convolution's
        // weight and layout conversions (forward + backward 3–10× faster at these sizes, the same sums).
        var weight = ((Conv2d)block[1]).weight;
        var pooled = block[0].forward(input).flatten(1);
        var gate = block[2].forward(F.linear(pooled, weight.view(weight.size(0), weight.size(1))));
        return input.mul(gate.view(gate.size(0), gate.size(1), 1, 1)).MoveToOuterDisposeScope();
    }
}
