using F = Vision.nn.functional;

namespace Vision.nn;

/// <summary>
/// Batch normalisation over the channels of (N, C, H, W) input (torch.nn.BatchNorm2d). In training it normalises
/// with the batch statistics and updates the running ones, running = (1 - momentum)·running + momentum·batch (unbiased
/// variance), or their cumulative average when <c>momentum</c> is null, and counts batches in
/// <c>num_batches_tracked</c>; in evaluation it normalises with the running statistics. Without
/// <c>track_running_stats</c> it always uses batch statistics.
/// </summary>
public class BatchNorm2d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer: weight ones and bias zeros (if <paramref name="affine"/>), running mean zeros, running variance ones.</summary>
    public BatchNorm2d(long num_features, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool track_running_stats = true,
        Device? device = null, ScalarType? dtype = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(num_features);
        this.num_features = num_features;
        this.eps = eps;
        this.momentum = momentum;
        this.affine = affine;
        this.track_running_stats = track_running_stats;
        var type = dtype ?? torch.float32;
        register_parameter("weight", affine ? torch.empty([num_features], type, device) : null);
        register_parameter("bias", affine ? torch.empty([num_features], type, device) : null);
        register_buffer("running_mean", track_running_stats ? torch.empty([num_features], type, device) : null);
        register_buffer("running_var", track_running_stats ? torch.empty([num_features], type, device) : null);
        register_buffer("num_batches_tracked", track_running_stats ? torch.empty([], torch.int64, device) : null);
        reset_parameters();
    }

    /// <summary>Number of channels C.</summary>
    public long num_features { get; }

    /// <summary>Added to the variance for numerical stability.</summary>
    public double eps { get; }

    /// <summary>Weight of the current batch in the running statistics; null for a cumulative average.</summary>
    public double? momentum { get; set; }

    /// <summary>Whether the layer has a learnable scale and shift.</summary>
    public bool affine { get; }

    /// <summary>Whether the layer keeps running statistics for evaluation.</summary>
    public bool track_running_stats { get; }

    /// <summary>The scale γ, (C), or null.</summary>
    public Tensor? weight => GetParameter("weight");

    /// <summary>The shift β, (C), or null.</summary>
    public Tensor? bias => GetParameter("bias");

    /// <summary>The running mean, (C), or null.</summary>
    public Tensor? running_mean => GetBuffer("running_mean");

    /// <summary>The running (unbiased) variance, (C), or null.</summary>
    public Tensor? running_var => GetBuffer("running_var");

    /// <summary>How many training batches updated the running statistics (int64 scalar), or null.</summary>
    public Tensor? num_batches_tracked => GetBuffer("num_batches_tracked");

    /// <summary>
    /// The process group whose ranks share batch statistics in training (what makes a <see cref="SyncBatchNorm"/>;
    /// <see cref="SyncBatchNorm.convert_sync_batchnorm"/> sets it); null uses this process's batch only.
    /// </summary>
    public Distributed.ProcessGroup? process_group { get; set; }

    /// <summary>Resets the running statistics: mean 0, variance 1, no batches tracked.</summary>
    public void reset_running_stats()
    {
        if (track_running_stats)
        {
            init.zeros_(running_mean!);
            init.ones_(running_var!);
            init.zeros_(num_batches_tracked!);
        }
    }

    /// <summary>Resets the running statistics and sets weight to ones and bias to zeros.</summary>
    public void reset_parameters()
    {
        reset_running_stats();
        if (affine)
        {
            init.ones_(weight!);
            init.zeros_(bias!);
        }
    }

    /// <summary>Checkpoints from before PyTorch 0.4.1 (and conversions of them) have no batch counter; it then keeps its value.</summary>
    protected override bool IsOptionalInStateDict(string name) => name == "num_batches_tracked";

    /// <inheritdoc />
    public override string extra_repr() => $"{num_features}, eps={Repr.Float(eps)}, momentum={(momentum is { } m ? Repr.Float(m) : "None")}, affine={Repr.Bool(affine)}, track_running_stats={Repr.Bool(track_running_stats)}";

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var rank = input.dim();
        if (rank != 4)
        {
            throw new ArgumentException($"BatchNorm2d expects 4-d (N, C, H, W) input, got {rank}-d input of shape [{string.Join(", ", input.shape)}].", nameof(input));
        }
        var factor = momentum ?? 0.0;
        if (training && track_running_stats)
        {
            var count = num_batches_tracked!;
            // The shim passes scalars (and add's alpha) as doubles, which int64 tensors refuse in place:
            // count in float64 (exact up to 2^53) and copy back, without a host round trip.
            using (var next = count.to(torch.float64))
            {
                count.copy_(next.add_(1));
            }
            if (momentum is null)
            {
                factor = 1.0 / count.item<long>();
            }
        }
        if (training && process_group is { Size: > 1 } group)
        {
            return SyncBatchNorm.SynchronizedForward(this, input, group, factor);
        }
        // Running statistics are read in evaluation and updated in training; without them, batch statistics are always used.
        var useBatchStats = training || !track_running_stats;
        return F.batch_norm(input, running_mean, running_var, weight, bias, useBatchStats, factor, eps);
    }
}
