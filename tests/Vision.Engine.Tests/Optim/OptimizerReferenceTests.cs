using Vision.Engine.Optim;
using Vision.Tests.Reference;

namespace Vision.Engine.Tests.Optim;

/// <summary>Five steps of every optimizer configuration against torch.optim (and timm's LAMB and Lion transcribed) on the same problem.</summary>
public sealed class OptimizerReferenceTests
{
    private const int Steps = 5;

    /// <summary>
    /// Literal Python transcriptions of timm's Lamb (timm/optim/lamb.py, single-tensor path, no caution or
    /// decoupled decay) and Lion (timm/optim/lion.py), which Debian's torch does not ship.
    /// </summary>
    private const string TimmReference = """
class LambRef(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, bias_correction=True, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.01,
                 grad_averaging=True, max_grad_norm=1.0, trust_clip=False, always_adapt=False):
        defaults = dict(lr=lr, bias_correction=bias_correction, betas=betas, eps=eps, weight_decay=weight_decay,
                        grad_averaging=grad_averaging, max_grad_norm=max_grad_norm, trust_clip=trust_clip,
                        always_adapt=always_adapt)
        super().__init__(params, defaults)

    def _get_clip_grad_norm(self):
        max_grad_norm = self.defaults['max_grad_norm']
        if max_grad_norm is None:
            return None
        grads = [p.grad for group in self.param_groups for p in group['params'] if p.grad is not None]
        if not grads:
            return None
        norms = [torch.linalg.vector_norm(g) for g in grads]
        global_norm = torch.linalg.vector_norm(torch.stack(norms))
        return (global_norm / max_grad_norm).clamp_(min=1.0)

    @torch.no_grad()
    def step(self):
        clip_grad_norm = self._get_clip_grad_norm()
        for group in self.param_groups:
            bias_correction = 1 if group['bias_correction'] else 0
            beta1, beta2 = group['betas']
            grad_averaging = 1 if group['grad_averaging'] else 0
            beta3 = 1 - beta1 if grad_averaging else 1.0
            group['step'] = group.get('step', 0) + 1
            if not any(p.grad is not None for p in group['params']):
                continue
            step = group['step']
            if bias_correction:
                bias_correction1 = 1 - beta1 ** step
                bias_correction2 = 1 - beta2 ** step
            else:
                bias_correction1, bias_correction2 = 1.0, 1.0
            for p in group['params']:
                if p.grad is None:
                    continue
                grad = p.grad
                if clip_grad_norm is not None:
                    grad = grad / clip_grad_norm
                state = self.state[p]
                if len(state) == 0:
                    state['exp_avg'] = torch.zeros_like(p)
                    state['exp_avg_sq'] = torch.zeros_like(p)
                exp_avg, exp_avg_sq = state['exp_avg'], state['exp_avg_sq']
                if beta3 == 1 - beta1:
                    exp_avg.lerp_(grad, beta3)
                else:
                    exp_avg.mul_(beta1).add_(grad, alpha=beta3)
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                denom = (exp_avg_sq.sqrt() / (bias_correction2 ** 0.5)).add_(group['eps'])
                update = (exp_avg / bias_correction1).div_(denom)
                weight_decay = group['weight_decay']
                if weight_decay != 0:
                    update.add_(p, alpha=weight_decay)
                if weight_decay != 0 or group['always_adapt']:
                    w_norm = p.norm(2.0)
                    g_norm = update.norm(2.0)
                    one = torch.ones_like(w_norm)
                    trust_ratio = torch.where(w_norm > 0, torch.where(g_norm > 0, w_norm / g_norm, one), one)
                    if group['trust_clip']:
                        trust_ratio = torch.clamp(trust_ratio, max=1.0)
                    update.mul_(trust_ratio)
                p.add_(update, alpha=-group['lr'])

class LionRef(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=betas, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            beta1, beta2 = group['betas']
            for p in group['params']:
                if p.grad is None:
                    continue
                grad = p.grad
                state = self.state[p]
                if len(state) == 0:
                    state['exp_avg'] = torch.zeros_like(p)
                exp_avg = state['exp_avg']
                p.mul_(1 - group['lr'] * group['weight_decay'])
                update = exp_avg.mul(beta1).add_(grad, alpha=1 - beta1).sign_()
                p.add_(update, alpha=-group['lr'])
                exp_avg.lerp_(grad, 1 - beta2)
""";

    /// <summary>Each case: a name, our optimizer over the parameters, and the Python expression over the list <c>ps</c>.</summary>
    private static readonly (string Name, Func<Tensor[], Optimizer> Create, string Python)[] Cases =
    [
        ("sgd", ps => new SGD(ps, lr: 0.1),
            "torch.optim.SGD(ps, lr=0.1)"),
        ("sgd_nesterov_wd", ps => new SGD(ps, lr: 0.05, momentum: 0.9, weight_decay: 1e-2, nesterov: true),
            "torch.optim.SGD(ps, lr=0.05, momentum=0.9, weight_decay=1e-2, nesterov=True)"),
        ("sgd_dampening", ps => new SGD(ps, lr: 0.05, momentum: 0.8, dampening: 0.3),
            "torch.optim.SGD(ps, lr=0.05, momentum=0.8, dampening=0.3)"),
        ("sgd_groups", ps => new SGD([new ParamGroup(ps[..2]), new ParamGroup(ps[2..], lr: 0.02, weight_decay: 0.1) { ["momentum"] = 0.5 }], lr: 0.1, momentum: 0.9),
            "torch.optim.SGD([{'params': ps[:2]}, {'params': ps[2:], 'lr': 0.02, 'weight_decay': 0.1, 'momentum': 0.5}], lr=0.1, momentum=0.9)"),
        ("adam", ps => new Adam(ps, lr: 0.01),
            "torch.optim.Adam(ps, lr=0.01)"),
        ("adam_amsgrad_wd", ps => new Adam(ps, lr: 0.02, betas: (0.8, 0.99), eps: 1e-6, weight_decay: 0.1, amsgrad: true),
            "torch.optim.Adam(ps, lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1, amsgrad=True)"),
        ("adamw", ps => new AdamW(ps, lr: 0.01, weight_decay: 0.1),
            "torch.optim.AdamW(ps, lr=0.01, weight_decay=0.1)"),
        ("adamw_amsgrad_groups", ps => new AdamW([new ParamGroup(ps[..3]), new ParamGroup(ps[3..], weight_decay: 0)], lr: 0.01, amsgrad: true),
            "torch.optim.AdamW([{'params': ps[:3]}, {'params': ps[3:], 'weight_decay': 0.0}], lr=0.01, amsgrad=True)"),
        ("rmsprop", ps => new RMSprop(ps, lr: 0.01),
            "torch.optim.RMSprop(ps, lr=0.01)"),
        ("rmsprop_centered_momentum", ps => new RMSprop(ps, lr: 0.01, alpha: 0.9, eps: 1e-6, weight_decay: 0.05, momentum: 0.9, centered: true),
            "torch.optim.RMSprop(ps, lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.05, momentum=0.9, centered=True)"),
        ("adagrad", ps => new Adagrad(ps, lr: 0.1),
            "torch.optim.Adagrad(ps, lr=0.1)"),
        ("adagrad_decay_wd_init_groups", ps => new Adagrad([new ParamGroup(ps[..2]), new ParamGroup(ps[2..], lr: 0.05) { ["lr_decay"] = 0.1 }],
                lr: 0.1, lr_decay: 0.01, weight_decay: 0.05, initial_accumulator_value: 0.1, eps: 1e-8),
            "torch.optim.Adagrad([{'params': ps[:2]}, {'params': ps[2:], 'lr': 0.05, 'lr_decay': 0.1}], lr=0.1, lr_decay=0.01, weight_decay=0.05, initial_accumulator_value=0.1, eps=1e-8)"),
        ("lamb", ps => new Lamb(ps),
            "LambRef(ps)"),
        ("lamb_groups_no_clip", ps => new Lamb([new ParamGroup(ps[..2]), new ParamGroup(ps[2..], weight_decay: 0)], lr: 0.01, max_grad_norm: null),
            "LambRef([{'params': ps[:2]}, {'params': ps[2:], 'weight_decay': 0.0}], lr=0.01, max_grad_norm=None)"),
        ("lamb_variants", ps => new Lamb(ps, lr: 0.02, bias_correction: false, betas: (0.8, 0.9), weight_decay: 0, grad_averaging: false,
                max_grad_norm: 0.5, trust_clip: true, always_adapt: true),
            "LambRef(ps, lr=0.02, bias_correction=False, betas=(0.8, 0.9), weight_decay=0.0, grad_averaging=False, max_grad_norm=0.5, trust_clip=True, always_adapt=True)"),
        ("lion", ps => new Lion(ps, lr: 1e-3, weight_decay: 0.1),
            "LionRef(ps, lr=1e-3, weight_decay=0.1)"),
        ("lion_betas", ps => new Lion(ps, lr: 3e-3, betas: (0.95, 0.98)),
            "LionRef(ps, lr=3e-3, betas=(0.95, 0.98))"),
    ];

    [SkippableFact]
    public void EveryOptimizerMatchesTheReferenceOverFiveSteps()
    {
        TorchReference.Require();
        using var problem = new QuadraticProblem();
        var script = problem.PythonRunner() + TimmReference + "\n" +
            string.Join("\n", Cases.Select(c => $"out['{c.Name}'] = run(lambda ps: {c.Python}, {Steps})"));
        var reference = TorchReference.Run(script, problem.Inputs);
        foreach (var (name, create, _) in Cases)
        {
            var ps = problem.NewParams();
            using var optimizer = create(ps);
            var ours = problem.Run(optimizer, ps, Steps);
            Numerics.AssertClose(TorchReference.Doubles(reference.GetProperty(name)), ours, 1e-10, name);
            foreach (var p in ps)
            {
                p.Dispose();
            }
        }
    }
}
