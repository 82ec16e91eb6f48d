using Vision.Engine.Optim;
using static Vision.Engine.OptionChecks;

namespace Vision.Engine.Schedulers;

/// <summary>
/// Polynomial decay towards <c>eta_min</c>, reached at the window's last step (MMEngine's PolyLR):
/// <c>value = (value - eta_min) * (1 - 1 / (total - t + 1))^power + eta_min</c> with <c>total = end - begin - 1</c>,
/// which with eta_min = 0 equals torch's PolynomialLR with <c>total_iters = end - begin - 1</c>.
/// </summary>
public sealed class PolyLR : ParamScheduler
{
    private readonly double etaMin;
    private readonly double power;
    private readonly long totalIters;

    /// <summary>Creates the scheduler and applies its first step.</summary>
    public PolyLR(Optimizer optimizer, double eta_min = 0, double power = 1.0, long begin = 0, long end = INF,
        bool by_epoch = true, long? epoch_length = null, string param_name = "lr")
        : base(optimizer, param_name, begin, end, by_epoch, epoch_length)
    {
        NonNegative("eta_min", eta_min);
        Positive("power", power);
        etaMin = eta_min;
        this.power = power;
        totalIters = this.end - this.begin - 1;
        start();
    }

    /// <inheritdoc/>
    protected override double get_value(int group_index, ParamGroup group)
    {
        var value = group[param_name];
        if (last_step == 0)
        {
            return value;
        }
        return (value - etaMin) * Math.Pow(1 - 1.0 / (totalIters - last_step + 1), power) + etaMin;
    }
}
