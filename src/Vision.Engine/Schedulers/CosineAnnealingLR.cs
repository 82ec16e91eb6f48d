using Vision.Engine.Optim;
using static Vision.Engine.OptionChecks;

namespace Vision.Engine.Schedulers;

/// <summary>
/// Cosine annealing from the initial value to <c>eta_min</c> over <c>T_max</c> steps (SGDR without restarts), in the
/// chainable form of MMEngine's / torch's CosineAnnealingLR. Alone it gives
/// <c>eta_min + (initial - eta_min) * (1 + cos(pi * t / T_max)) / 2</c> at window step t. T_max defaults to the
/// window length <c>end - begin</c>; the floor may be given relative to the initial value with <c>eta_min_ratio</c>.
/// </summary>
public sealed class CosineAnnealingLR : ParamScheduler
{
    private readonly long tMax;
    private readonly EtaMin etaMin;

    /// <summary>Creates the scheduler and applies its first step; <paramref name="T_max"/> is in epochs when by_epoch.</summary>
    public CosineAnnealingLR(Optimizer optimizer, long? T_max = null, double? eta_min = null, long begin = 0, long end = INF,
        bool by_epoch = true, long? epoch_length = null, double? eta_min_ratio = null, string param_name = "lr")
        : base(optimizer, param_name, begin, end, by_epoch, epoch_length)
    {
        if (T_max is { } t)
        {
            Positive("T_max", t);
        }
        tMax = T_max is { } given ? to_steps(given) : this.end - this.begin;
        etaMin = EtaMin.Create(eta_min, eta_min_ratio);
        start();
    }

    /// <inheritdoc/>
    protected override double get_value(int group_index, ParamGroup group)
    {
        var value = group[param_name];
        var t = last_step;
        if (t == 0)
        {
            return value;
        }
        var floor = etaMin.For(base_values[group_index]);
        if ((t - 1 - tMax) % (2 * tMax) == 0)
        {
            return value + (base_values[group_index] - floor) * (1 - Math.Cos(Math.PI / tMax)) / 2;
        }
        return (1 + Math.Cos(Math.PI * t / tMax)) / (1 + Math.Cos(Math.PI * (t - 1) / tMax)) * (value - floor) + floor;
    }
}
