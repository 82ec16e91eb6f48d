namespace Vision.Tests.Autograd;

/// <summary>
/// Compares autograd's gradients with central finite differences in float64, as torch.autograd.gradcheck does for
/// one random projection: the scalar checked is L = sum(f(inputs) * R) with R fixed, so every output element counts.
/// </summary>
internal static class GradCheck
{
    public static void Check(string name, Func<Tensor[], Tensor> f, Tensor[] inputs, double eps = 1e-6, double atol = 1e-7, double rtol = 1e-5)
    {
        using var scope = torch.NewDisposeScope();
        var leaves = inputs.Select(t => t.to(torch.float64).detach().clone().requires_grad_()).ToArray();
        var output = f(leaves);
        using var generator = new Generator(97);
        var projection = torch.randn(output.shape, torch.float64, generator: generator);
        var analytic = torch.autograd.grad([(output * projection).sum()], leaves, allow_unused: true);

        double Loss()
        {
            using var inner = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            return (f(leaves) * projection).sum().item<double>();
        }

        for (var k = 0; k < leaves.Length; k++)
        {
            var data = leaves[k].detach();
            var numeric = new double[data.numel()];
            for (var i = 0; i < numeric.Length; i++)
            {
                var original = data.AsSpan<double>()[i];
                data.AsSpan<double>()[i] = original + eps;
                var plus = Loss();
                data.AsSpan<double>()[i] = original - eps;
                var minus = Loss();
                data.AsSpan<double>()[i] = original;
                numeric[i] = (plus - minus) / (2 * eps);
            }
            var exact = analytic[k]?.data<double>() ?? new double[numeric.Length];
            Assert.True(numeric.Any(v => v != 0), $"{name}: input {k} has an all-zero numeric gradient, so the check proves nothing");
            for (var i = 0; i < numeric.Length; i++)
            {
                Assert.True(Math.Abs(exact[i] - numeric[i]) <= atol + rtol * Math.Abs(numeric[i]),
                    $"{name}: d/d input {k}[{i}]: autograd {exact[i]:R}, finite difference {numeric[i]:R}");
            }
        }
    }
}
