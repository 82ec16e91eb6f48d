using static Vision.Engine.OptionChecks;

namespace Vision.Engine.Optim;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight decay, with
/// <c>torch.optim.SGD</c>'s update (PyTorch 1.13; multi-tensor <c>_foreach_</c> kernels, as <c>foreach=True</c>):
/// <code>
/// g = grad + weight_decay * p
/// buf = g (first step) | momentum * buf + (1 - dampening) * g
/// g = nesterov ? g + momentum * buf : buf      (when momentum != 0)
/// p -= lr * g
/// </code>
/// Hyper-parameters per group: <c>lr</c>, <c>momentum</c>, <c>dampening</c>, <c>weight_decay</c>.
/// </summary>
public sealed class SGD : Optimizer
{
    /// <summary>SGD over one group of parameters.</summary>
    public SGD(IEnumerable<Tensor> @params, double lr, double momentum = 0, double dampening = 0, double weight_decay = 0, bool nesterov = false)
        : this([new ParamGroup(@params)], lr, momentum, dampening, weight_decay, nesterov)
    {
    }

    /// <summary>SGD over several groups; the arguments are the defaults for hyper-parameters a group does not set.</summary>
    public SGD(IEnumerable<ParamGroup> param_groups, double lr, double momentum = 0, double dampening = 0, double weight_decay = 0, bool nesterov = false)
        : base(param_groups,
            new Dictionary<string, double> { ["lr"] = lr, ["momentum"] = momentum, ["dampening"] = dampening, ["weight_decay"] = weight_decay },
            group => Validate(group, nesterov))
    {
        this.nesterov = nesterov;
    }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool nesterov { get; }

    private static void Validate(ParamGroup group, bool nesterov)
    {
        NonNegative("lr", group.lr);
        NonNegative("momentum", group["momentum"]);
        NonNegative("weight_decay", group.weight_decay);
        if (nesterov && (group["momentum"] <= 0 || group["dampening"] != 0))
        {
            throw new ArgumentException($"nesterov requires momentum > 0 and dampening = 0, got momentum {group["momentum"]}, dampening {group["dampening"]}");
        }
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
            var momentum = group["momentum"];
            var dampening = group["dampening"];
            var weightDecay = group.weight_decay;
            var d = weightDecay != 0 ? torch._foreach_add(grads, ps, weightDecay) : grads;
            if (momentum != 0)
            {
                var bufs = MomentumBuffers(states, d, momentum, dampening);
                d = nesterov ? torch._foreach_add(d, bufs, momentum) : bufs;
            }
            torch._foreach_add_(ps, d, -lr);
        }
    }

    /// <summary>Updates the momentum buffers that exist (buf = momentum * buf + (1 - dampening) * d) and starts the missing ones as d.</summary>
    private static List<Tensor> MomentumBuffers(IReadOnlyList<ParamState> states, IReadOnlyList<Tensor> d, double momentum, double dampening)
    {
        var existing = new List<Tensor>();
        var existingD = new List<Tensor>();
        var bufs = new List<Tensor>(states.Count);
        for (var i = 0; i < states.Count; i++)
        {
            if (states[i].TryGetValue("momentum_buffer", out var buf))
            {
                existing.Add(buf);
                existingD.Add(d[i]);
            }
            else
            {
                buf = states[i]["momentum_buffer"] = d[i].clone();
            }
            bufs.Add(buf);
        }
        if (existing.Count > 0)
        {
            torch._foreach_mul_(existing, momentum);
            torch._foreach_add_(existing, existingD, 1 - dampening);
        }
        return bufs;
    }
}
