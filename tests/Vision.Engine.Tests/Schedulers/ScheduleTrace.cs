using Vision.Engine.Optim;
using Vision.Engine.Schedulers;

namespace Vision.Engine.Tests.Schedulers;

/// <summary>Optimizers to schedule and the trace of hyper-parameter values step by step, in C# and in Python.</summary>
internal static class ScheduleTrace
{
    /// <summary>SGD (momentum 0.9) or Adam with two groups at lr 0.1 and 0.02; the parameters never get gradients.</summary>
    public static Optimizer NewOptimizer(string kind)
    {
        ParamGroup[] groups =
        [
            new([torch.zeros([1]).DetachFromDisposeScope().requires_grad_()]),
            new([torch.zeros([1]).DetachFromDisposeScope().requires_grad_()], lr: 0.02),
        ];
        return kind == "adam" ? new Adam(groups, lr: 0.1) : new SGD(groups, lr: 0.1, momentum: 0.9);
    }

    /// <summary>
    /// The values of <paramref name="keys"/> in every group before each optimizer step, over <paramref name="steps"/>
    /// steps, each followed by stepping every scheduler in order.
    /// </summary>
    public static double[] Run(Optimizer optimizer, IReadOnlyList<ParamScheduler> schedulers, int steps, params string[] keys)
    {
        var values = new List<double>();
        for (var s = 0; s < steps; s++)
        {
            foreach (var group in optimizer.param_groups)
            {
                values.AddRange(keys.Select(k => group[k]));
            }
            optimizer.step();
            foreach (var scheduler in schedulers)
            {
                scheduler.step();
            }
        }
        return values.ToArray();
    }

    /// <summary>Python defining <c>new_optimizer(kind)</c> and <c>trace(opt, scheds, steps, keys)</c>, the same loop over torch.</summary>
    public const string Python = """
from torch.optim import lr_scheduler as L

def new_optimizer(kind):
    groups = [{'params': [torch.zeros(1, requires_grad=True)]}, {'params': [torch.zeros(1, requires_grad=True)], 'lr': 0.02}]
    return torch.optim.Adam(groups, lr=0.1) if kind == 'adam' else torch.optim.SGD(groups, lr=0.1, momentum=0.9)

def trace(opt, scheds, steps, keys):
    hist = []
    for _ in range(steps):
        for g in opt.param_groups:
            for k in keys:
                hist.append(g['betas'][0] if k == 'beta1' else g[k])
        opt.step()
        for s in scheds:
            s.step()
    return hist
""";
}
