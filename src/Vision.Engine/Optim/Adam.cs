namespace Vision.Engine.Optim;

/// <summary>
/// Adam (Kingma and Ba, 2014) with <c>torch.optim.Adam</c>'s update (PyTorch 1.13; multi-tensor <c>_foreach_</c> kernels, as <c>foreach=True</c>), weight
/// decay added to the gradient as an L2 penalty and the AMSGrad variant on request:
/// <code>
/// g = grad + weight_decay * p
/// m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g * g
/// v_hat = amsgrad ? (v_max = max(v_max, v)) : v
/// p -= lr / (1 - beta1^t) * m / (sqrt(v_hat) / sqrt(1 - beta2^t) + eps)
/// </code>
/// Hyper-parameters per group: <c>lr</c>, <c>beta1</c> (also reachable as <c>momentum</c>), <c>beta2</c>,
/// <c>eps</c>, <c>weight_decay</c>.
/// </summary>
public class Adam : Optimizer
{
    private readonly bool decoupled;

    /// <summary>Adam over one group of parameters; <paramref name="betas"/> defaults to (0.9, 0.999).</summary>
    public Adam(IEnumerable<Tensor> @params, double lr = 1e-3, (double beta1, double beta2)? betas = null, double eps = 1e-8,
        double weight_decay = 0, bool amsgrad = false)
        : this([new ParamGroup(@params)], lr, betas, eps, weight_decay, amsgrad)
    {
    }

    /// <summary>Adam over several groups; the arguments are the defaults for hyper-parameters a group does not set.</summary>
    public Adam(IEnumerable<ParamGroup> param_groups, double lr = 1e-3, (double beta1, double beta2)? betas = null, double eps = 1e-8,
        double weight_decay = 0, bool amsgrad = false)
        : this(param_groups, lr, betas, eps, weight_decay, amsgrad, decoupled_weight_decay: false)
    {
    }

    /// <summary>
    /// Adam with weight decay either as an L2 penalty on the gradient or, with <paramref name="decoupled_weight_decay"/>,
    /// applied to the weights before the update (<c>p *= 1 - lr * weight_decay</c>, as AdamW).
    /// </summary>
    protected Adam(IEnumerable<ParamGroup> param_groups, double lr, (double beta1, double beta2)? betas, double eps,
        double weight_decay, bool amsgrad, bool decoupled_weight_decay)
        : base(param_groups, AdamFamily.Defaults(lr, betas ?? (0.9, 0.999), weight_decay, eps), AdamFamily.Validate, AdamFamily.MomentumKey)
    {
        this.amsgrad = amsgrad;
        decoupled = decoupled_weight_decay;
    }

    /// <summary>Whether the AMSGrad variant (normalising by the running maximum of the second moment) is used.</summary>
    public bool amsgrad { get; }

    /// <inheritdoc/>
    protected sealed override void update(IReadOnlyList<ParamGroupGrads> groups)
    {
        foreach (var batch in groups)
        {
            if (batch.@params.Count == 0)
            {
                continue;
            }
            var group = batch.group;
            var lr = group.lr;
            var beta1 = group["beta1"];
            var beta2 = group["beta2"];
            var eps = group["eps"];
            var weightDecay = group.weight_decay;
            foreach (var state in batch.states)
            {
                state.step++;
            }
            foreach (var (_, ps, grads, states) in MultiTensor.ByStep(batch))
            {
                var expAvg = MultiTensor.Buffers(states, ps, "exp_avg");
                var expAvgSq = MultiTensor.Buffers(states, ps, "exp_avg_sq");
                var g = grads;
                if (decoupled)
                {
                    if (weightDecay != 0)
                    {
                        torch._foreach_mul_(ps, 1 - lr * weightDecay);
                    }
                }
                else if (weightDecay != 0)
                {
                    g = torch._foreach_add(grads, ps, weightDecay);
                }

                torch._foreach_mul_(expAvg, beta1);
                torch._foreach_add_(expAvg, g, 1 - beta1);
                torch._foreach_mul_(expAvgSq, beta2);
                torch._foreach_addcmul_(expAvgSq, g, g, 1 - beta2);

                var step = states[0].step;
                var biasCorrection1 = 1 - Math.Pow(beta1, step);
                var biasCorrection2 = 1 - Math.Pow(beta2, step);
                IReadOnlyList<Tensor> second = expAvgSq;
                if (amsgrad)
                {
                    var maxExpAvgSq = MultiTensor.Buffers(states, ps, "max_exp_avg_sq");
                    torch._foreach_maximum_(maxExpAvgSq, expAvgSq);
                    second = maxExpAvgSq;
                }
                var denom = torch._foreach_sqrt(second);
                torch._foreach_div_(denom, Math.Sqrt(biasCorrection2));
                torch._foreach_add_(denom, eps);
                torch._foreach_addcdiv_(ps, expAvg, denom, -(lr / biasCorrection1));
            }
        }
    }
}
