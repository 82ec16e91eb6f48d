using static Vision.Engine.OptionChecks;

namespace Vision.Engine.Optim;

/// <summary>
/// Adagrad (Duchi et al., 2011) with <c>torch.optim.Adagrad</c>'s update (PyTorch 1.13; multi-tensor <c>_foreach_</c>
/// kernels):
/// <code>
/// g = grad + weight_decay * p
/// clr = lr / (1 + (step - 1) * lr_decay)
/// sum += g * g                       (sum starts at initial_accumulator_value)
/// p -= clr * g / (sqrt(sum) + eps)
/// </code>
/// Hyper-parameters per group: <c>lr</c>, <c>lr_decay</c>, <c>weight_decay</c>, <c>eps</c>,
/// <c>initial_accumulator_value</c>.
/// </summary>
public sealed class Adagrad : Optimizer
{
    /// <summary>Adagrad over one group of parameters.</summary>
    public Adagrad(IEnumerable<Tensor> @params, double lr = 1e-2, double lr_decay = 0, double weight_decay = 0,
        double initial_accumulator_value = 0, double eps = 1e-10)
        : this([new ParamGroup(@params)], lr, lr_decay, weight_decay, initial_accumulator_value, eps)
    {
    }

    /// <summary>Adagrad over several groups; the arguments are the defaults for hyper-parameters a group does not set.</summary>
    public Adagrad(IEnumerable<ParamGroup> param_groups, double lr = 1e-2, double lr_decay = 0, double weight_decay = 0,
        double initial_accumulator_value = 0, double eps = 1e-10)
        : base(param_groups,
            new Dictionary<string, double>
            {
                ["lr"] = lr, ["lr_decay"] = lr_decay, ["weight_decay"] = weight_decay,
                ["initial_accumulator_value"] = initial_accumulator_value, ["eps"] = eps,
            },
            Validate)
    {
    }

    private static void Validate(ParamGroup group)
    {
        NonNegative("lr", group.lr);
        NonNegative("lr_decay", group["lr_decay"]);
        NonNegative("weight_decay", group.weight_decay);
        NonNegative("initial_accumulator_value", group["initial_accumulator_value"]);
        NonNegative("eps", group["eps"]);
    }

    /// <inheritdoc/>
    protected override void update(IReadOnlyList<ParamGroupGrads> groups)
    {
        foreach (var batch in groups)
        {
            var group = batch.group;
            var weightDecay = group.weight_decay;
            foreach (var state in batch.states)
            {
                state.step++;
            }
            foreach (var (_, ps, grads, states) in MultiTensor.ByStep(batch))
            {
                if (ps.Count == 0)
                {
                    continue;
                }
                var sum = MultiTensor.Buffers(states, ps, "sum", group["initial_accumulator_value"]);
                var g = weightDecay != 0 ? torch._foreach_add(grads, ps, weightDecay) : grads;
                var clr = group.lr / (1 + (states[0].step - 1) * group["lr_decay"]);
                torch._foreach_addcmul_(sum, g, g);
                var std = torch._foreach_sqrt(sum);
                torch._foreach_add_(std, group["eps"]);
                torch._foreach_addcdiv_(ps, g, std, -clr);
            }
        }
    }
}
