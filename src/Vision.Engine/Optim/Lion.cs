namespace Vision.Engine.Optim;

/// <summary>
/// Lion (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms"), as timm's and lucidrains'
/// implementations:
/// <code>
/// p *= 1 - lr * weight_decay
/// p -= lr * sign(beta1 * m + (1 - beta1) * g)
/// m = beta2 * m + (1 - beta2) * g
/// </code>
/// Because the update is a sign, use a learning rate 3-10x smaller and a weight decay 3-10x larger than AdamW's.
/// Hyper-parameters per group: <c>lr</c>, <c>beta1</c> (also <c>momentum</c>), <c>beta2</c>, <c>weight_decay</c>.
/// </summary>
public sealed class Lion : Optimizer
{
    /// <summary>Lion over one group of parameters; <paramref name="betas"/> defaults to (0.9, 0.99).</summary>
    public Lion(IEnumerable<Tensor> @params, double lr = 1e-4, (double beta1, double beta2)? betas = null, double weight_decay = 0)
        : this([new ParamGroup(@params)], lr, betas, weight_decay)
    {
    }

    /// <summary>Lion over several groups; the arguments are the defaults for hyper-parameters a group does not set.</summary>
    public Lion(IEnumerable<ParamGroup> param_groups, double lr = 1e-4, (double beta1, double beta2)? betas = null, double weight_decay = 0)
        : base(param_groups, AdamFamily.Defaults(lr, betas ?? (0.9, 0.99), weight_decay, eps: null), AdamFamily.Validate, AdamFamily.MomentumKey)
    {
    }

    /// <inheritdoc/>
    protected override void update(IReadOnlyList<ParamGroupGrads> groups)
    {
        foreach (var (group, ps, grads, states) in groups)
        {
            if (ps.Count == 0)
            {
                continue;
            }
            var lr = group.lr;
            var beta1 = group["beta1"];
            var beta2 = group["beta2"];
            var weightDecay = group.weight_decay;
            var expAvg = MultiTensor.Buffers(states, ps, "exp_avg");
            if (weightDecay != 0)
            {
                torch._foreach_mul_(ps, 1 - lr * weightDecay);
            }
            var interpolated = torch._foreach_mul(expAvg, beta1);
            torch._foreach_add_(interpolated, grads, 1 - beta1);
            torch._foreach_add_(ps, torch._foreach_sign(interpolated), -lr);
            torch._foreach_lerp_(expAvg, grads, 1 - beta2);
        }
    }
}
