using Vision.Engine.Optim;
using static Vision.Engine.OptionChecks;

namespace Vision.Engine.Schedulers;

/// <summary>
/// The 1cycle policy (Smith and Topin, 2018) with torch's OneCycleLR semantics: the lr rises from
/// <c>max_lr / div_factor</c> to <c>max_lr</c> over the first <c>pct_start</c> of <c>total_steps</c>, then falls to
/// <c>initial / final_div_factor</c> (with <c>three_phase</c>, it first returns to the initial lr symmetrically and
/// only the third phase anneals to the minimum). With <c>cycle_momentum</c> the momentum (beta1 in the Adam family)
/// moves inversely between <c>max_momentum</c> and <c>base_momentum</c>. It is not chainable: it sets the values.
/// <para>
/// As in torch, it records <c>initial_lr</c>, <c>max_lr</c>, <c>min_lr</c> (and <c>max_momentum</c>,
/// <c>base_momentum</c>) in every group. total_steps defaults to the window length <c>end - begin</c> (MMEngine).
/// </para>
/// </summary>
public sealed class OneCycleLR : ParamScheduler
{
    private readonly long totalSteps;
    private readonly bool linear;
    private readonly bool cycleMomentum;
    private readonly (double EndStep, string StartLr, string EndLr, string StartMomentum, string EndMomentum)[] phases;

    /// <summary>Creates the scheduler, records its bookkeeping in the groups and applies its first step.</summary>
    public OneCycleLR(Optimizer optimizer, double max_lr, long? total_steps = null, double pct_start = 0.3, string anneal_strategy = "cos",
        bool cycle_momentum = true, double base_momentum = 0.85, double max_momentum = 0.95, double div_factor = 25.0,
        double final_div_factor = 1e4, bool three_phase = false, long begin = 0, long end = INF,
        bool by_epoch = true, long? epoch_length = null)
        : base(optimizer, "lr", begin, end, by_epoch, epoch_length)
    {
        Positive("max_lr", max_lr);
        if (total_steps is { } steps)
        {
            Positive("total_steps", steps);
            totalSteps = to_steps(steps);
        }
        else if (this.end == INF)
        {
            throw new ArgumentException("OneCycleLR needs total_steps or a finite end.");
        }
        else
        {
            totalSteps = this.end - this.begin;
        }
        Require(pct_start >= 0 && pct_start <= 1, "pct_start", pct_start, "in [0, 1]");
        if (anneal_strategy is not ("cos" or "linear"))
        {
            throw new ArgumentException($"anneal_strategy must be 'cos' or 'linear', got '{anneal_strategy}'");
        }
        Positive("div_factor", div_factor);
        Positive("final_div_factor", final_div_factor);
        linear = anneal_strategy == "linear";
        cycleMomentum = cycle_momentum;

        var rampEnd = pct_start * totalSteps - 1;
        phases = three_phase
            ?
            [
                (rampEnd, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (2 * pct_start * totalSteps - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                (totalSteps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
            :
            [
                (rampEnd, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (totalSteps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
            ];

        for (var i = 0; i < optimizer.param_groups.Count; i++)
        {
            var group = optimizer.param_groups[i];
            if (cycle_momentum && !group.Contains("momentum"))
            {
                throw new ArgumentException($"cycle_momentum needs an optimizer with momentum or betas; param group {i} has neither.");
            }
        }
        foreach (var group in optimizer.param_groups)
        {
            group["initial_lr"] = max_lr / div_factor;
            group["max_lr"] = max_lr;
            group["min_lr"] = group["initial_lr"] / final_div_factor;
            if (cycle_momentum)
            {
                group["momentum"] = max_momentum;
                group["max_momentum"] = max_momentum;
                group["base_momentum"] = base_momentum;
            }
        }
        start();
    }

    /// <inheritdoc/>
    protected override double get_value(int group_index, ParamGroup group)
    {
        if (last_step > totalSteps)
        {
            throw new InvalidOperationException($"Tried to step {last_step + 1} times. The specified number of total steps is {totalSteps}.");
        }
        double startStep = 0;
        for (var i = 0; ; i++)
        {
            var phase = phases[i];
            if (last_step <= phase.EndStep || i == phases.Length - 1)
            {
                var pct = (last_step - startStep) / (phase.EndStep - startStep);
                if (cycleMomentum)
                {
                    group["momentum"] = Anneal(group[phase.StartMomentum], group[phase.EndMomentum], pct);
                }
                return Anneal(group[phase.StartLr], group[phase.EndLr], pct);
            }
            startStep = phase.EndStep;
        }
    }

    private double Anneal(double from, double to, double pct) =>
        linear ? (to - from) * pct + from : to + (from - to) / 2.0 * (Math.Cos(Math.PI * pct) + 1);
}
