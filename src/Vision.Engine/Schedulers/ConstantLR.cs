using Vision.Engine.Optim;
using static Vision.Engine.OptionChecks;

namespace Vision.Engine.Schedulers;

/// <summary>
/// Multiplies the value by a constant <c>factor</c> over the window and restores it at the window's last step
/// (<c>end - 1</c>), as MMEngine's ConstantLR / torch's ConstantLR with <c>total_iters = end - begin - 1</c>.
/// </summary>
public sealed class ConstantLR : ParamScheduler
{
    private readonly double factor;
    private readonly long totalIters;

    /// <summary>Creates the scheduler and applies its first step.</summary>
    public ConstantLR(Optimizer optimizer, double factor = 1.0 / 3, long begin = 0, long end = INF,
        bool by_epoch = true, long? epoch_length = null, string param_name = "lr")
        : base(optimizer, param_name, begin, end, by_epoch, epoch_length)
    {
        Require(factor > 0 && factor <= 1, "factor", factor, "in (0, 1]");
        this.factor = factor;
        totalIters = this.end - this.begin - 1;
        start();
    }

    /// <inheritdoc/>
    protected override double get_value(int group_index, ParamGroup group)
    {
        var value = group[param_name];
        if (last_step == 0)
        {
            return value * factor;
        }
        return last_step == totalIters ? value * (1.0 / factor) : value;
    }
}
