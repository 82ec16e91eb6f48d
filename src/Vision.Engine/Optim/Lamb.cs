using static Vision.Engine.OptionChecks;

namespace Vision.Engine.Optim;

/// <summary>
/// LAMB (You et al., 2019, "Large Batch Optimization for Deep Learning") with the semantics of timm's
/// <c>timm.optim.Lamb</c> (the NVIDIA FusedLAMB variant):
/// <code>
/// clip = max(global_grad_norm / max_grad_norm, 1)                 (over all groups; skipped when max_grad_norm is null)
/// g = grad / clip
/// m = beta1 * m + beta3 * g   (beta3 = 1 - beta1 with grad_averaging, else 1);  v = beta2 * v + (1 - beta2) * g * g
/// update = (m / bc1) / (sqrt(v) / sqrt(bc2) + eps) + weight_decay * p     (bc = 1 - beta^step, or 1 without bias_correction)
/// when weight_decay != 0 or always_adapt:
///     trust = |p| / |update|  (1 where either norm is 0; at most 1 with trust_clip);  update *= trust
/// p -= lr * update
/// </code>
/// The gradients themselves are not modified. The step count is per group, as in timm (the group's <c>step</c>).
/// Hyper-parameters per group: <c>lr</c>, <c>beta1</c> (also <c>momentum</c>), <c>beta2</c>, <c>eps</c>,
/// <c>weight_decay</c>; the switches and <see cref="max_grad_norm"/> apply to the whole optimizer.
/// </summary>
public sealed class Lamb : Optimizer
{
    /// <summary>LAMB over one group of parameters; <paramref name="betas"/> defaults to (0.9, 0.999).</summary>
    public Lamb(IEnumerable<Tensor> @params, double lr = 1e-3, bool bias_correction = true, (double beta1, double beta2)? betas = null,
        double eps = 1e-6, double weight_decay = 0.01, bool grad_averaging = true, double? max_grad_norm = 1.0,
        bool trust_clip = false, bool always_adapt = false)
        : this([new ParamGroup(@params)], lr, bias_correction, betas, eps, weight_decay, grad_averaging, max_grad_norm, trust_clip, always_adapt)
    {
    }

    /// <summary>LAMB over several groups; the arguments are the defaults for hyper-parameters a group does not set.</summary>
    public Lamb(IEnumerable<ParamGroup> param_groups, double lr = 1e-3, bool bias_correction = true, (double beta1, double beta2)? betas = null,
        double eps = 1e-6, double weight_decay = 0.01, bool grad_averaging = true, double? max_grad_norm = 1.0,
        bool trust_clip = false, bool always_adapt = false)
        : base(param_groups, AdamFamily.Defaults(lr, betas ?? (0.9, 0.999), weight_decay, eps), AdamFamily.Validate, AdamFamily.MomentumKey)
    {
        if (max_grad_norm is { } m)
        {
            Positive("max_grad_norm", m);
        }
        this.bias_correction = bias_correction;
        this.grad_averaging = grad_averaging;
        this.max_grad_norm = max_grad_norm;
        this.trust_clip = trust_clip;
        this.always_adapt = always_adapt;
    }

    /// <summary>Whether the moments are bias-corrected.</summary>
    public bool bias_correction { get; }

    /// <summary>Whether the gradient enters the first moment scaled by 1 - beta1 (else by 1).</summary>
    public bool grad_averaging { get; }

    /// <summary>The global gradient norm above which gradients are scaled down for the update; null disables it.</summary>
    public double? max_grad_norm { get; }

    /// <summary>Whether the trust ratio is capped at 1 (LAMBC).</summary>
    public bool trust_clip { get; }

    /// <summary>Whether the trust ratio also applies to parameters without weight decay.</summary>
    public bool always_adapt { get; }

    /// <inheritdoc/>
    protected override void update(IReadOnlyList<ParamGroupGrads> groups)
    {
        var clip = GlobalClip(groups.SelectMany(g => g.grads).ToList());
        foreach (var (group, ps, grads, states) in groups)
        {
            var lr = group.lr;
            var beta1 = group["beta1"];
            var beta2 = group["beta2"];
            var eps = group["eps"];
            var weightDecay = group.weight_decay;
            var beta3 = grad_averaging ? 1 - beta1 : 1.0;
            var step = (group.Contains("step") ? group["step"] : 0) + 1;
            group["step"] = step;
            var biasCorrection1 = bias_correction ? 1 - Math.Pow(beta1, step) : 1.0;
            var biasCorrection2 = bias_correction ? 1 - Math.Pow(beta2, step) : 1.0;

            if (ps.Count == 0)
            {
                continue;
            }
            var g = clip is null ? grads : grads.Select(grad => grad / clip).ToList();
            var expAvg = MultiTensor.Buffers(states, ps, "exp_avg");
            var expAvgSq = MultiTensor.Buffers(states, ps, "exp_avg_sq");
            if (grad_averaging)
            {
                torch._foreach_lerp_(expAvg, g, beta3);
            }
            else
            {
                torch._foreach_mul_(expAvg, beta1);
                torch._foreach_add_(expAvg, g, beta3);
            }
            torch._foreach_mul_(expAvgSq, beta2);
            torch._foreach_addcmul_(expAvgSq, g, g, 1 - beta2);

            var denom = torch._foreach_sqrt(expAvgSq);
            torch._foreach_div_(denom, Math.Sqrt(biasCorrection2));
            torch._foreach_add_(denom, eps);
            var updates = torch._foreach_div(expAvg, biasCorrection1);
            torch._foreach_div_(updates, denom);
            if (weightDecay != 0)
            {
                torch._foreach_add_(updates, ps, weightDecay);
            }
            if (weightDecay != 0 || always_adapt)
            {
                // The trust ratio is one number per tensor: the norms come in two calls, the scaling stays per tensor.
                var weightNorms = torch._foreach_norm(ps);
                var updateNorms = torch._foreach_norm(updates);
                for (var i = 0; i < updates.Length; i++)
                {
                    updates[i].mul_(TrustRatio(weightNorms[i], updateNorms[i]));
                }
            }
            torch._foreach_add_(ps, updates, -lr);
        }
    }

    /// <summary>max(global norm / max_grad_norm, 1) over every gradient, or null when clipping is off or there are no gradients.</summary>
    private Tensor? GlobalClip(List<Tensor> grads)
    {
        if (max_grad_norm is not { } maxNorm || grads.Count == 0)
        {
            return null;
        }
        var globalNorm = torch.stack(torch._foreach_norm(grads)).norm(2);
        return globalNorm.div(maxNorm).clamp_(min: 1.0);
    }

    private Tensor TrustRatio(Tensor weightNorm, Tensor updateNorm)
    {
        // 1 where either norm is zero, so a zero-initialised weight or a zero update is left to lr alone.
        var one = torch.ones_like(weightNorm);
        var ratio = torch.where(weightNorm > 0, torch.where(updateNorm > 0, weightNorm / updateNorm, one), one);
        return trust_clip ? ratio.clamp(max: 1.0) : ratio;
    }
}
