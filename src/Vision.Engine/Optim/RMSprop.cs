using static Vision.Engine.OptionChecks;

namespace Vision.Engine.Optim;

/// <summary>
/// RMSprop (Hinton) with <c>torch.optim.RMSprop</c>'s update (PyTorch 1.13; multi-tensor <c>_foreach_</c> kernels, as <c>foreach=True</c>):
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
            if (ps.Count == 0)
            {
                continue;
            }
            var lr = group.lr;
            var alpha = group["alpha"];
            var eps = group["eps"];
            var weightDecay = group.weight_decay;
            var momentum = group["momentum"];
            var squareAvg = MultiTensor.Buffers(states, ps, "square_avg");
            foreach (var state in states)
            {
                state.step++;
            }

            var g = weightDecay != 0 ? torch._foreach_add(grads, ps, weightDecay) : grads;
            torch._foreach_mul_(squareAvg, alpha);
            torch._foreach_addcmul_(squareAvg, g, g, 1 - alpha);

            Tensor[] avg;
            if (centered)
            {
                var gradAvg = MultiTensor.Buffers(states, ps, "grad_avg");
                torch._foreach_mul_(gradAvg, alpha);
                torch._foreach_add_(gradAvg, g, 1 - alpha);
                avg = torch._foreach_addcmul(squareAvg, gradAvg, gradAvg, -1);
                torch._foreach_sqrt_(avg);
            }
            else
            {
                avg = torch._foreach_sqrt(squareAvg);
            }
            torch._foreach_add_(avg, eps);

            if (momentum > 0)
            {
                // Created on first use, so a momentum scheduled up from 0 starts from a zero buffer as PyTorch's would.
                var bufs = MultiTensor.Buffers(states, ps, "momentum_buffer");
                torch._foreach_mul_(bufs, momentum);
                torch._foreach_addcdiv_(bufs, g, avg);
                torch._foreach_add_(ps, bufs, -lr);
            }
            else
            {
                torch._foreach_addcdiv_(ps, g, avg, -lr);
            }
        }
    }
}
