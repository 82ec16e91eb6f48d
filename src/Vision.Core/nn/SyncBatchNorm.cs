using Vision.Distributed;

namespace Vision.nn;

/// <summary>
/// Batch normalisation whose training statistics are those of the global batch across the ranks of a process group
/// (<c>torch.nn.SyncBatchNorm</c>): each rank sums its channels' values and squares, one all-reduce adds them up,
/// and the backward pass reduces the statistics' gradients the same way, so outputs, gradients and running statistics
/// equal a <see cref="BatchNorm2d"/> over the whole batch on one process. In evaluation, or on a single rank, it is
/// a plain <see cref="BatchNorm2d"/>. Existing models are converted in place with <see cref="convert_sync_batchnorm"/>.
/// </summary>
public sealed class SyncBatchNorm : BatchNorm2d
{
    /// <summary>Creates the layer for the given group (default: the one <c>init_process_group</c> made).</summary>
    public SyncBatchNorm(long num_features, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool track_running_stats = true,
        ProcessGroup? process_group = null)
        : base(num_features, eps, momentum, affine, track_running_stats) =>
        this.process_group = torch.distributed.GroupOrDefault(process_group);

    /// <summary>
    /// Makes every <see cref="BatchNorm2d"/> in <paramref name="module"/> synchronise its statistics over
    /// <paramref name="process_group"/> (default: the default group) and returns the module. Unlike PyTorch, the
    /// layers are switched in place rather than replaced, so models that hold their layers in fields see the change.
    /// </summary>
    public static T convert_sync_batchnorm<T>(T module, ProcessGroup? process_group = null) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        var group = torch.distributed.GroupOrDefault(process_group);
        foreach (var (_, m) in module.named_modules())
        {
            if (m is BatchNorm2d norm)
            {
                norm.process_group = group;
            }
        }
        return module;
    }

    /// <summary>The training forward of a synchronised layer; the caller has counted the batch and chosen the momentum.</summary>
    internal static Tensor SynchronizedForward(BatchNorm2d norm, Tensor input, ProcessGroup group, double momentum)
    {
        var channels = input.size(1);
        long[] reduced = [0, 2, 3];
        long[] perChannel = [1, channels, 1, 1];
        // Sums in float64: the variance comes from E[x²] - E[x]², which float32 sums would round badly.
        var x = input.to(torch.float64);
        var local = torch.cat([x.sum(reduced), (x * x).sum(reduced), torch.full([1], input.numel() / channels, dtype: torch.float64)]);
        var total = torch.distributed.AllReduceSumWithGrad(local, group);
        var count = total.narrow(0, 2 * channels, 1);
        var mean = total.narrow(0, 0, channels) / count;
        var variance = total.narrow(0, channels, channels) / count - mean * mean;
        var y = (x - mean.view(perChannel)) * (variance + norm.eps).rsqrt().view(perChannel);
        if (norm.affine)
        {
            y = y * norm.weight!.to(torch.float64).view(perChannel) + norm.bias!.to(torch.float64).view(perChannel);
        }
        if (norm.track_running_stats)
        {
            using var noGrad = torch.no_grad();
            var n = count.item<double>();
            norm.running_mean!.mul_(1 - momentum).add_(mean.to(norm.running_mean!.dtype), momentum);
            norm.running_var!.mul_(1 - momentum).add_((variance * (n / Math.Max(n - 1, 1))).to(norm.running_var!.dtype), momentum);
        }
        return y.to(input.dtype);
    }
}
