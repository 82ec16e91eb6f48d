using Vision.Engine.Optim;
using Vision.Tests.Reference;

namespace Vision.Engine.Tests.Optim;

public sealed class ClipGradTests
{
    private static readonly (double MaxNorm, double NormType)[] Cases = [(1.0, 2), (100.0, 2), (0.5, 1), (0.3, double.PositiveInfinity), (2.0, 3)];

    [SkippableFact]
    public void ClipGradNormMatchesTorch()
    {
        TorchReference.Require();
        using var problem = new QuadraticProblem();
        var script = string.Join("\n", Cases.Select((c, k) => $$"""
ps = [inp[f"p{i}"].clone().requires_grad_(True) for i in range({{problem.Count}})]
sum((inp[f"c{i}"] * p * p).sum() + (inp[f"d{i}"] * p).sum() for i, p in enumerate(ps)).backward()
ps[1].grad = None
total = torch.nn.utils.clip_grad_norm_(ps, {{Py(c.MaxNorm)}}, norm_type={{Py(c.NormType)}})
out['total{{k}}'] = [total.item()]
out['grads{{k}}'] = torch.cat([p.grad.reshape(-1) for p in ps if p.grad is not None])
"""));
        var reference = TorchReference.Run(script, problem.Inputs);
        for (var k = 0; k < Cases.Length; k++)
        {
            var ps = problem.NewParams();
            problem.Backward(ps);
            ps[1].grad = null;
            using var total = ClipGrad.clip_grad_norm_(ps, Cases[k].MaxNorm, Cases[k].NormType);
            var grads = ps.Where(p => p.grad is not null).SelectMany(p => p.grad!.data<double>()).ToArray();
            Numerics.AssertClose(TorchReference.Doubles(reference.GetProperty($"total{k}")), [total.item<double>()], 1e-12, $"total norm, case {k}");
            Numerics.AssertClose(TorchReference.Doubles(reference.GetProperty($"grads{k}")), grads, 1e-12, $"clipped gradients, case {k}");
        }
    }

    [Fact]
    public void ClipGradNormWithoutGradientsReturnsZero()
    {
        using var p = torch.ones([3], torch.float64).requires_grad_();
        using var total = ClipGrad.clip_grad_norm_([p], 1.0);
        Assert.Equal(0.0, total.item<double>());
    }

    [Fact]
    public void ClipGradNormCanRefuseNonFiniteNorms()
    {
        using var p = torch.ones([2], torch.float64).requires_grad_();
        p.grad = torch.tensor(new[] { double.NaN, 1.0 });
        var e = Assert.Throws<InvalidOperationException>(() => ClipGrad.clip_grad_norm_([p], 1.0, error_if_nonfinite: true));
        Assert.Contains("non-finite", e.Message);
    }

    [Fact]
    public void ClipGradValueClampsEveryGradient()
    {
        using var p = torch.zeros([4], torch.float64).requires_grad_();
        p.grad = torch.tensor(new[] { -3.0, -0.5, 0.25, 7.0 });
        ClipGrad.clip_grad_value_([p], 1.0);
        Assert.Equal(new[] { -1.0, -0.5, 0.25, 1.0 }, p.grad!.data<double>());
        Assert.Equal("clip_value must be >= 0, got -1", Assert.Throws<ArgumentException>(() => ClipGrad.clip_grad_value_([p], -1)).Message);
    }

    private static string Py(double v) => double.IsPositiveInfinity(v) ? "float('inf')" : v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
