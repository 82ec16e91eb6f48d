namespace Vision.Throughput;

/// <summary>
/// The AdamW update of <c>torch.optim.AdamW(foreach=True)</c>, multi-tensor, so the benchmark times the same step as
/// the PyTorch script without depending on Vision.Engine's optimizers.
/// </summary>
internal sealed class AdamW : IDisposable
{
    private readonly List<Tensor> parameters;
    private readonly List<Tensor> expAvg;
    private readonly List<Tensor> expAvgSq;
    private readonly double lr;
    private readonly double beta1;
    private readonly double beta2;
    private readonly double eps;
    private readonly double weightDecay;
    private int step;

    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0.01)
    {
        this.parameters = parameters.Where(p => p.requires_grad).ToList();
        expAvg = this.parameters.Select(p => torch.zeros_like(p).DetachFromDisposeScope()).ToList();
        expAvgSq = this.parameters.Select(p => torch.zeros_like(p).DetachFromDisposeScope()).ToList();
        (this.lr, this.beta1, this.beta2, this.eps, this.weightDecay) = (lr, beta1, beta2, eps, weightDecay);
    }

    public void Step()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        step++;
        var grads = parameters.Select(p => p.grad ?? throw new InvalidOperationException("A parameter has no gradient.")).ToList();
        torch._foreach_mul_(parameters, 1 - lr * weightDecay);
        torch._foreach_mul_(expAvg, beta1);
        torch._foreach_add_(expAvg, grads, 1 - beta1);
        torch._foreach_mul_(expAvgSq, beta2);
        torch._foreach_addcmul_(expAvgSq, grads, grads, 1 - beta2);
        var biasCorrection1 = 1 - Math.Pow(beta1, step);
        var biasCorrection2 = 1 - Math.Pow(beta2, step);
        var denominators = torch._foreach_sqrt(expAvgSq);
        torch._foreach_mul_(denominators, 1 / Math.Sqrt(biasCorrection2));
        torch._foreach_add_(denominators, eps);
        torch._foreach_addcdiv_(parameters, expAvg, denominators, -lr / biasCorrection1);
    }

    public void Dispose()
    {
        foreach (var t in expAvg.Concat(expAvgSq))
        {
            t.Dispose();
        }
    }
}
