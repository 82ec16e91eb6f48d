using Vision.Engine.Optim;
using static Vision.Engine.OptionChecks;

namespace Vision.Engine.Schedulers;

/// <summary>
/// Multiplies the value by <c>gamma</c> every step of the window (MMEngine's / torch's ExponentialLR). Converting
/// an epoch-based one to iterations keeps gamma per step, as MMEngine does, so choose gamma for the unit stepped.
/// </summary>
public sealed class ExponentialLR : ParamScheduler
{
    private readonly double gamma;

    /// <summary>Creates the scheduler and applies its first step.</summary>
    public ExponentialLR(Optimizer optimizer, double gamma, long begin = 0, long end = INF,
        bool by_epoch = true, long? epoch_length = null, string param_name = "lr")
        : base(optimizer, param_name, begin, end, by_epoch, epoch_length)
    {
        Positive("gamma", gamma);
        this.gamma = gamma;
        start();
    }

    /// <inheritdoc/>
    protected override double get_value(int group_index, ParamGroup group)
    {
        var value = group[param_name];
        return last_step == 0 ? value : value * gamma;
    }
}
