using Vision.Engine.Optim;
using static Vision.Engine.OptionChecks;

namespace Vision.Engine.Schedulers;

/// <summary>
/// Multiplies the value by <c>gamma</c> at each milestone (steps of the window; a milestone listed twice applies
/// gamma twice), as MMEngine's / torch's MultiStepLR.
/// </summary>
public sealed class MultiStepLR : ParamScheduler
{
    private readonly Dictionary<long, int> milestones = [];
    private readonly double gamma;

    /// <summary>Creates the scheduler and applies its first step; <paramref name="milestones"/> are in epochs when by_epoch.</summary>
    public MultiStepLR(Optimizer optimizer, IEnumerable<long> milestones, double gamma = 0.1, long begin = 0, long end = INF,
        bool by_epoch = true, long? epoch_length = null, string param_name = "lr")
        : base(optimizer, param_name, begin, end, by_epoch, epoch_length)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        Positive("gamma", gamma);
        foreach (var m in milestones)
        {
            NonNegative("milestone", m);
            var at = to_steps(m);
            this.milestones[at] = this.milestones.GetValueOrDefault(at) + 1;
        }
        this.gamma = gamma;
        start();
    }

    /// <inheritdoc/>
    protected override double get_value(int group_index, ParamGroup group)
    {
        var value = group[param_name];
        return milestones.TryGetValue(last_step, out var count) ? value * Math.Pow(gamma, count) : value;
    }
}
