namespace Vision.Engine.Optim;

/// <summary>
/// AdamW (Loshchilov and Hutter, 2019): Adam with decoupled weight decay, as <c>torch.optim.AdamW</c> (PyTorch 1.13):
/// the weights shrink by <c>p *= 1 - lr * weight_decay</c> before the Adam update instead of the decay entering the
/// gradient. Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 1e-2.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>AdamW over one group of parameters; <paramref name="betas"/> defaults to (0.9, 0.999).</summary>
    public AdamW(IEnumerable<Tensor> @params, double lr = 1e-3, (double beta1, double beta2)? betas = null, double eps = 1e-8,
        double weight_decay = 1e-2, bool amsgrad = false)
        : this([new ParamGroup(@params)], lr, betas, eps, weight_decay, amsgrad)
    {
    }

    /// <summary>AdamW over several groups; the arguments are the defaults for hyper-parameters a group does not set.</summary>
    public AdamW(IEnumerable<ParamGroup> param_groups, double lr = 1e-3, (double beta1, double beta2)? betas = null, double eps = 1e-8,
        double weight_decay = 1e-2, bool amsgrad = false)
        : base(param_groups, lr, betas, eps, weight_decay, amsgrad, decoupled_weight_decay: true)
    {
    }
}
