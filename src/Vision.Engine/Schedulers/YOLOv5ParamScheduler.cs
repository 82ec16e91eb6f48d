using Vision.Engine.Optim;
using static Vision.Engine.OptionChecks;

namespace Vision.Engine.Schedulers;

/// <summary>
/// YOLOv5's learning-rate and momentum schedule, with the semantics of MMYOLO's <c>YOLOv5ParamSchedulerHook</c>.
/// It is driven by the training loop's events rather than stepped like a <see cref="ParamScheduler"/>:
/// <list type="bullet">
/// <item><see cref="before_train_iter"/>: during warm-up (global iterations 0 … W, with
/// <c>W = max(round(warmup_epochs * iters_per_epoch), warmup_mim_iter)</c>) every group's lr is interpolated
/// linearly (numpy's <c>np.interp</c>) from 0 — from <c>warmup_bias_lr</c> for the bias group — to
/// <c>initial_lr * f(epoch)</c>, and a group's momentum from <c>warmup_momentum</c> to its initial momentum.</item>
/// <item><see cref="after_train_epoch"/>: once warm-up is over, every group's lr becomes <c>initial_lr * f(epoch)</c>.</item>
/// </list>
/// where f is <c>linear</c>: <c>(1 - e / max_epochs) * (1 - lr_factor) + lr_factor</c>, or <c>cosine</c>:
/// <c>(1 - cos(e * pi / max_epochs)) / 2 * (lr_factor - 1) + 1</c>. The bias group is group 2 as built by MMYOLO's
/// YOLOv5OptimizerConstructor (norm weights, decayed weights, biases); pass another index, or null for none.
/// </summary>
public sealed class YOLOv5ParamScheduler
{
    private readonly bool cosine;
    private readonly double lrFactor;
    private readonly long maxEpochs;
    private readonly long warmupIters;
    private readonly double warmupBiasLr;
    private readonly double warmupMomentum;
    private readonly int? biasGroup;
    private double[] baseLr;
    private double[] baseMomentum;
    private bool warmupEnd;

    /// <summary>
    /// Creates the schedule and records every group's <c>initial_lr</c> and <c>initial_momentum</c> (MMYOLO's
    /// <c>before_train</c>). <paramref name="warmup_mim_iter"/> keeps MMYOLO's spelling; its default, 100, is
    /// Ultralytics YOLOv5's minimum (<c>max(round(warmup_epochs * nb), 100)</c>), while MMYOLO's hook defaults to 1000.
    /// </summary>
    public YOLOv5ParamScheduler(Optimizer optimizer, long iters_per_epoch, string scheduler_type = "linear", double lr_factor = 0.01,
        long max_epochs = 300, double warmup_epochs = 3, double warmup_bias_lr = 0.1, double warmup_momentum = 0.8,
        long warmup_mim_iter = 100, int? bias_group_index = 2)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (scheduler_type is not ("linear" or "cosine"))
        {
            throw new ArgumentException($"scheduler_type must be 'linear' or 'cosine', got '{scheduler_type}'");
        }
        Positive("iters_per_epoch", iters_per_epoch);
        Positive("max_epochs", max_epochs);
        NonNegative("lr_factor", lr_factor);
        NonNegative("warmup_epochs", warmup_epochs);
        NonNegative("warmup_bias_lr", warmup_bias_lr);
        NonNegative("warmup_momentum", warmup_momentum);
        NonNegative("warmup_mim_iter", warmup_mim_iter);
        if (bias_group_index is { } b && (b < 0 || b >= optimizer.param_groups.Count))
        {
            throw new ArgumentException($"bias_group_index must name one of the optimizer's {optimizer.param_groups.Count} param groups, got {b}");
        }
        this.optimizer = optimizer;
        cosine = scheduler_type == "cosine";
        lrFactor = lr_factor;
        maxEpochs = max_epochs;
        warmupIters = Math.Max((long)Math.Round(warmup_epochs * iters_per_epoch, MidpointRounding.ToEven), warmup_mim_iter);
        warmupBiasLr = warmup_bias_lr;
        warmupMomentum = warmup_momentum;
        biasGroup = bias_group_index;

        foreach (var group in optimizer.param_groups)
        {
            if (!group.Contains("initial_lr"))
            {
                group["initial_lr"] = group.lr;
            }
            if (!group.Contains("initial_momentum"))
            {
                group["initial_momentum"] = group.Contains("momentum") ? group.momentum : -1;
            }
        }
        baseLr = optimizer.param_groups.Select(g => g["initial_lr"]).ToArray();
        baseMomentum = optimizer.param_groups.Select(g => g["initial_momentum"]).ToArray();
    }

    /// <summary>The optimizer whose groups are scheduled.</summary>
    public Optimizer optimizer { get; }

    /// <summary>The number of warm-up iterations W.</summary>
    public long warmup_iters => warmupIters;

    /// <summary>Sets the warm-up values before global iteration <paramref name="iter"/> (0-based) of epoch <paramref name="epoch"/> (0-based).</summary>
    public void before_train_iter(long iter, long epoch)
    {
        if (iter > warmupIters)
        {
            warmupEnd = true;
            return;
        }
        var factor = Factor(epoch);
        for (var i = 0; i < optimizer.param_groups.Count; i++)
        {
            var group = optimizer.param_groups[i];
            var from = i == biasGroup ? warmupBiasLr : 0.0;
            group.lr = Interp(iter, warmupIters, from, baseLr[i] * factor);
            if (group.Contains("momentum"))
            {
                group.momentum = Interp(iter, warmupIters, warmupMomentum, baseMomentum[i]);
            }
        }
    }

    /// <summary>After epoch <paramref name="epoch"/> (0-based) ends, sets every lr to <c>initial_lr * f(epoch)</c> once warm-up is over.</summary>
    public void after_train_epoch(long epoch)
    {
        if (!warmupEnd)
        {
            return;
        }
        var factor = Factor(epoch);
        for (var i = 0; i < optimizer.param_groups.Count; i++)
        {
            optimizer.param_groups[i].lr = baseLr[i] * factor;
        }
    }

    /// <summary>The groups' current learning rates.</summary>
    public double[] get_last_lr() => optimizer.param_groups.Select(g => g.lr).ToArray();

    /// <summary>The schedule's state, for checkpoints.</summary>
    public YOLOv5ParamSchedulerStateDict state_dict() => new(warmupEnd, baseLr.ToArray(), baseMomentum.ToArray());

    /// <summary>Restores a state saved by <see cref="state_dict"/>.</summary>
    public void load_state_dict(YOLOv5ParamSchedulerStateDict state_dict)
    {
        ArgumentNullException.ThrowIfNull(state_dict);
        if (state_dict.base_lr.Count != optimizer.param_groups.Count || state_dict.base_momentum.Count != optimizer.param_groups.Count)
        {
            throw new ArgumentException($"The scheduler state has values for {state_dict.base_lr.Count} param groups but the optimizer has {optimizer.param_groups.Count}.");
        }
        warmupEnd = state_dict.warmup_end;
        baseLr = state_dict.base_lr.ToArray();
        baseMomentum = state_dict.base_momentum.ToArray();
    }

    private double Factor(long epoch) => cosine
        ? (1 - Math.Cos(epoch * Math.PI / maxEpochs)) / 2 * (lrFactor - 1) + 1
        : (1 - (double)epoch / maxEpochs) * (1.0 - lrFactor) + lrFactor;

    /// <summary>np.interp(x, [0, x1], [y0, y1]) for 0 &lt;= x &lt;= x1, with numpy's exact end points.</summary>
    private static double Interp(long x, long x1, double y0, double y1)
    {
        if (x == x1)
        {
            return y1;
        }
        if (x == 0)
        {
            return y0;
        }
        var slope = (y1 - y0) / x1;
        return slope * x + y0;
    }
}
