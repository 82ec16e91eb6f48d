using Vision.Engine.Optim;
using static Vision.Engine.OptionChecks;

namespace Vision.Engine.Schedulers;

/// <summary>Multiplies the value by <c>gamma</c> every <c>step_size</c> steps of the window (MMEngine's / torch's StepLR).</summary>
public sealed class StepLR : ParamScheduler
{
    private readonly long stepSize;
    private readonly double gamma;

    /// <summary>Creates the scheduler and applies its first step; <paramref name="step_size"/> is in epochs when by_epoch.</summary>
    public StepLR(Optimizer optimizer, long step_size, double gamma = 0.1, long begin = 0, long end = INF,
        bool by_epoch = true, long? epoch_length = null, string param_name = "lr")
        : base(optimizer, param_name, begin, end, by_epoch, epoch_length)
    {
        Positive("step_size", step_size);
        Positive("gamma", gamma);
        stepSize = to_steps(step_size);
        this.gamma = gamma;
        start();
    }

    /// <inheritdoc/>
    protected override double get_value(int group_index, ParamGroup group)
    {
        var value = group[param_name];
        return last_step == 0 || last_step % stepSize != 0 ? value : value * gamma;
    }
}
