using Vision.Engine.Optim;
using static Vision.Engine.OptionChecks;

namespace Vision.Engine.Schedulers;

/// <summary>
/// Scales the value by a factor that moves linearly from <c>start_factor</c> to <c>end_factor</c> over the window
/// (reached at its last step, <c>end - 1</c>), as MMEngine's LinearLR / torch's LinearLR with
/// <c>total_iters = end - begin - 1</c>. The usual warm-up: <c>new LinearLR(opt, start_factor: 1e-3, end: 5)</c>.
/// </summary>
public sealed class LinearLR : ParamScheduler
{
    private readonly double startFactor;
    private readonly double endFactor;
    private readonly long totalIters;

    /// <summary>Creates the scheduler and applies its first step.</summary>
    public LinearLR(Optimizer optimizer, double start_factor = 1.0 / 3, double end_factor = 1.0, long begin = 0, long end = INF,
        bool by_epoch = true, long? epoch_length = null, string param_name = "lr")
        : base(optimizer, param_name, begin, end, by_epoch, epoch_length)
    {
        Require(start_factor > 0 && start_factor <= 1, "start_factor", start_factor, "in (0, 1]");
        Require(end_factor >= 0 && end_factor <= 1, "end_factor", end_factor, "in [0, 1]");
        startFactor = start_factor;
        endFactor = end_factor;
        totalIters = this.end - this.begin - 1;
        start();
    }

    /// <inheritdoc/>
    protected override double get_value(int group_index, ParamGroup group)
    {
        var value = group[param_name];
        if (last_step == 0)
        {
            return value * startFactor;
        }
        return value * (1.0 + (endFactor - startFactor) / (totalIters * startFactor + (last_step - 1) * (endFactor - startFactor)));
    }
}
