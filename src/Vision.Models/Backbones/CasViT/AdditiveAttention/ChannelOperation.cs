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
        // The 1x1 convolution stays a convolution, as in the reference: as F.linear it was faster alone on one
        // thread, but it ran on OpenBLAS, whose own threads then competed with ATen's OpenMP pool for the cores
        // (CAS-ViT-xs at 64 px, 2 threads: 0.88x PyTorch with it, see benchmarks/README.md).
        using var gate = block.forward(input);
        return input.mul(gate);
    }
}
