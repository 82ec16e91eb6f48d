using static Vision.Engine.OptionChecks;

namespace Vision.Engine.Optim;

/// <summary>
/// RMSprop (Hinton) with <c>torch.optim.RMSprop</c>'s update (PyTorch 1.13, single-tensor path):
/// <code>
/// g = grad + weight_decay * p
/// v = alpha * v + (1 - alpha) * g * g
/// avg = sqrt(centered ? v - mean_g^2 : v) + eps        (mean_g = alpha * mean_g + (1 - alpha) * g)
/// momentum > 0: buf = momentum * buf + g / avg;  p -= lr * buf
/// otherwise:    p -= lr * g / avg
/// </code>
/// Hyper-parameters per group: <c>lr</c>, <c>alpha</c>, <c>eps</c>, <c>weight_decay</c>, <c>momentum</c>.
/// </summary>
public sealed class RMSprop : Optimizer
{
    /// <summary>RMSprop over one group of parameters.</summary>
    public RMSprop(IEnumerable<Tensor> @params, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weight_decay = 0,
        double momentum = 0, bool centered = false)
        : this([new ParamGroup(@params)], lr, alpha, eps, weight_decay, momentum, centered)
    {
    }

    /// <summary>RMSprop over several groups; the arguments are the defaults for hyper-parameters a group does not set.</summary>
    public RMSprop(IEnumerable<ParamGroup> param_groups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weight_decay = 0,
        double momentum = 0, bool centered = false)
        : base(param_groups,
            new Dictionary<string, double>
            {
                ["lr"] = lr, ["alpha"] = alpha, ["eps"] = eps, ["weight_decay"] = weight_decay, ["momentum"] = momentum,
            },
            Validate)
    {
        this.centered = centered;
    }

    /// <summary>Whether the second moment is centred by the running mean of the gradient (normalising by its variance).</summary>
    public bool centered { get; }

    private static void Validate(ParamGroup group)
    {
        NonNegative("lr", group.lr);
        NonNegative("eps", group["eps"]);
        NonNegative("momentum", group["momentum"]);
        NonNegative("weight_decay", group.weight_decay);
        NonNegative("alpha", group["alpha"]);
    }

    /// <inheritdoc/>
    protected override void update(IReadOnlyList<ParamGroupGrads> groups)
    {
        foreach (var (group, ps, grads, states) in groups)
        {
            var lr = group.lr;
            var alpha = group["alpha"];
            var eps = group["eps"];
            var weightDecay = group.weight_decay;
            var momentum = group["momentum"];
            for (var i = 0; i < ps.Count; i++)
            {
                var p = ps[i];
                var grad = grads[i];
                var state = states[i];
                if (!state.TryGetValue("square_avg", out var squareAvg))
                {
                    squareAvg = state["square_avg"] = torch.zeros_like(p);
                }
                state.step++;

                if (weightDecay != 0)
                {
                    grad = grad.add(p, weightDecay);
                }
                squareAvg.mul_(alpha).addcmul_(grad, grad, 1 - alpha);

                Tensor avg;
                if (centered)
                {
                    if (!state.TryGetValue("grad_avg", out var gradAvg))
                    {
                        gradAvg = state["grad_avg"] = torch.zeros_like(p);
                    }
                    gradAvg.mul_(alpha).add_(grad, 1 - alpha);
                    avg = squareAvg.addcmul(gradAvg, gradAvg, -1).sqrt_();
                }
                else
                {
                    avg = squareAvg.sqrt();
                }
                avg.add_(eps);

                if (momentum > 0)
                {
                    // Created on first use, so a momentum scheduled up from 0 starts from a zero buffer as PyTorch's would.
                    if (!state.TryGetValue("momentum_buffer", out var buf))
                    {
                        buf = state["momentum_buffer"] = torch.zeros_like(p);
                    }
                    buf.mul_(momentum).addcdiv_(grad, avg);
                    p.add_(buf, -lr);
                }
                else
                {
                    p.addcdiv_(grad, avg, -lr);
                }
            }
        }
    }
}
