using Vision.Engine.Optim;
using static Vision.Engine.OptionChecks;

namespace Vision.Engine.Schedulers;

/// <summary>
/// Cosine annealing with warm restarts, as MMEngine's CosineRestartLR: the window is split into
/// <c>periods</c>; each period starts at <c>initial * restart_weights[i]</c> and anneals towards <c>eta_min</c>
/// (chainable form). After the last period the value is left alone. <c>restart_weights</c> defaults to 1 for
/// every period.
/// </summary>
public sealed class CosineRestartLR : ParamScheduler
{
    private readonly long[] periods;
    private readonly long[] cumulative;
    private readonly double[] restartWeights;
    private readonly EtaMin etaMin;

    /// <summary>Creates the scheduler and applies its first step; <paramref name="periods"/> are in epochs when by_epoch.</summary>
    public CosineRestartLR(Optimizer optimizer, IEnumerable<long> periods, IEnumerable<double>? restart_weights = null,
        double? eta_min = null, double? eta_min_ratio = null, long begin = 0, long end = INF,
        bool by_epoch = true, long? epoch_length = null, string param_name = "lr")
        : base(optimizer, param_name, begin, end, by_epoch, epoch_length)
    {
        ArgumentNullException.ThrowIfNull(periods);
        this.periods = periods.ToArray();
        if (this.periods.Length == 0)
        {
            throw new ArgumentException("periods must list at least one period.");
        }
        foreach (var p in this.periods)
        {
            Positive("period", p);
        }
        this.periods = Array.ConvertAll(this.periods, to_steps);
        restartWeights = restart_weights?.ToArray() ?? Enumerable.Repeat(1.0, this.periods.Length).ToArray();
        if (restartWeights.Length != this.periods.Length)
        {
            throw new ArgumentException($"periods and restart_weights must have the same length, got {this.periods.Length} and {restartWeights.Length}.");
        }
        foreach (var w in restartWeights)
        {
            NonNegative("restart weight", w);
        }
        cumulative = new long[this.periods.Length];
        for (long i = 0, sum = 0; i < cumulative.Length; i++)
        {
            sum += this.periods[i];
            cumulative[i] = sum;
        }
        etaMin = EtaMin.Create(eta_min, eta_min_ratio);
        start();
    }

    /// <inheritdoc/>
    protected override double get_value(int group_index, ParamGroup group)
    {
        var value = group[param_name];
        var index = Array.FindIndex(cumulative, c => last_step < c);
        if (index < 0)
        {
            return value;
        }
        var period = periods[index];
        var t = last_step - (index == 0 ? 0 : cumulative[index - 1]);
        if (t == 0)
        {
            return base_values[group_index] * restartWeights[index];
        }
        var floor = etaMin.For(base_values[group_index]);
        return (1 + Math.Cos(Math.PI * t / period)) / (1 + Math.Cos(Math.PI * (t - 1) / period)) * (value - floor) + floor;
    }
}
