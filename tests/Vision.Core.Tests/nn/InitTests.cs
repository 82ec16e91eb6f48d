using Vision.nn;
using Vision.Tests.Reference;

namespace Vision.Tests.nn;

public class InitTests
{
    private static (double Mean, double Std, double Min, double Max) Stats(Tensor t)
    {
        var v = t.data<double>();
        var mean = v.Average();
        var std = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
        return (mean, std, v.Min(), v.Max());
    }

    [Fact]
    public void GainsAndFansFollowPyTorchFormulas()
    {
        Assert.Equal(1, init.calculate_gain("conv2d"));
        Assert.Equal(1, init.calculate_gain("sigmoid"));
        Assert.Equal(5.0 / 3, init.calculate_gain("tanh"));
        Assert.Equal(Math.Sqrt(2), init.calculate_gain("relu"));
        Assert.Equal(Math.Sqrt(2 / 1.0001), init.calculate_gain("leaky_relu"), 15);
        Assert.Equal(Math.Sqrt(2 / 1.04), init.calculate_gain("leaky_relu", 0.2), 15);
        Assert.Equal(0.75, init.calculate_gain("selu"));
        Assert.Contains("'swish'", Assert.Throws<ArgumentException>(() => init.calculate_gain("swish")).Message);

        using var scope = torch.NewDisposeScope();
        Assert.Equal((60L, 120L), init.calculate_fan_in_and_fan_out(torch.empty(8, 4, 3, 5)));
        Assert.Equal((3L, 7L), init.calculate_fan_in_and_fan_out(torch.empty(7, 3)));
        Assert.Throws<ArgumentException>(() => init.calculate_fan_in_and_fan_out(torch.empty(5)));
        Assert.Contains("'fan_avg'", Assert.Throws<ArgumentException>(() => init.kaiming_normal_(torch.empty(3, 3), mode: "fan_avg")).Message);
    }

    [Fact]
    public void UniformInitialisersRespectTheirExactBounds()
    {
        using var scope = torch.NewDisposeScope();
        var w = torch.empty(200, 300);
        init.xavier_uniform_(w, gain: 2);
        var bound = 2 * Math.Sqrt(6.0 / (200 + 300));
        var s = Stats(w);
        Assert.InRange(s.Min, -bound, -0.99 * bound);
        Assert.InRange(s.Max, 0.99 * bound, bound);
        // U(-b, b) has standard deviation b / √3.
        Assert.Equal(bound / Math.Sqrt(3), s.Std, bound * 0.01);

        var k = torch.empty(64, 32, 3, 3);
        init.kaiming_uniform_(k, a: Math.Sqrt(5));
        var kb = 1 / Math.Sqrt(32 * 9); // √3 · √(2 / (1 + 5)) / √fan_in
        s = Stats(k);
        Assert.InRange(s.Min, -kb, -0.99 * kb);
        Assert.InRange(s.Max, 0.99 * kb, kb);

        var u = init.uniform_(torch.empty(10000), -3, 5);
        s = Stats(u);
        Assert.InRange(s.Min, -3, -2.99);
        Assert.InRange(s.Max, 4.99, 5);
        Assert.Equal(1, s.Mean, 0.1);
    }

    [Fact]
    public void NormalInitialisersHaveTheFormulaStandardDeviation()
    {
        using var scope = torch.NewDisposeScope();
        var w = torch.empty(256, 128, 3, 3);
        init.kaiming_normal_(w, mode: "fan_out", nonlinearity: "relu");
        var s = Stats(w);
        var std = Math.Sqrt(2) / Math.Sqrt(256 * 9);
        Assert.Equal(0, s.Mean, std * 0.01);
        Assert.Equal(std, s.Std, std * 0.01);

        var x = init.xavier_normal_(torch.empty(400, 600));
        Assert.Equal(Math.Sqrt(2.0 / 1000), Stats(x).Std, Math.Sqrt(2.0 / 1000) * 0.01);

        var n = init.normal_(torch.empty(100000), 3, 0.5);
        s = Stats(n);
        Assert.Equal(3, s.Mean, 0.01);
        Assert.Equal(0.5, s.Std, 0.01);

        Assert.Equal(new float[] { 2.5f, 2.5f }, init.constant_(torch.empty(2), 2.5).data<float>());
        Assert.Equal(new float[] { 0, 0 }, init.zeros_(torch.ones(2)).data<float>());
        Assert.Equal(new float[] { 1, 1 }, init.ones_(torch.zeros(2)).data<float>());
    }

    [Fact]
    public void TruncNormalStaysInsideAbsoluteBoundsWithTheTruncatedMean()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.empty([200000], torch.float64);
        // Asymmetric bounds on N(0.5, 2²): the truncated mean is μ + σ (φ(α) - φ(β)) / (Φ(β) - Φ(α)).
        init.trunc_normal_(t, mean: 0.5, std: 2, a: -1, b: 4);
        var s = Stats(t);
        Assert.InRange(s.Min, -1, -0.99);
        Assert.InRange(s.Max, 3.99, 4);
        var (alpha, beta) = ((-1 - 0.5) / 2, (4 - 0.5) / 2);
        static double Pdf(double z) => Math.Exp(-z * z / 2) / Math.Sqrt(2 * Math.PI);
        var cdf = torch.tensor(new[] { alpha, beta }).div(Math.Sqrt(2)).erf().add(1).div(2).data<double>();
        var expectedMean = 0.5 + 2 * (Pdf(alpha) - Pdf(beta)) / (cdf[1] - cdf[0]);
        Assert.Equal(expectedMean, s.Mean, 0.02);

        Assert.Throws<ArgumentException>(() => init.trunc_normal_(torch.empty(3), a: 1, b: 1));
    }

    [Fact]
    public void GeneratorsMakeInitialisationReproducible()
    {
        using var scope = torch.NewDisposeScope();
        using var g1 = new Generator(42);
        using var g2 = new Generator(42);
        var a = init.trunc_normal_(torch.empty(50), std: 0.02, generator: g1);
        var b = init.trunc_normal_(torch.empty(50), std: 0.02, generator: g2);
        Assert.True(a.equal(b));
        var c = init.trunc_normal_(torch.empty(50), std: 0.02, generator: g1);
        Assert.False(a.equal(c));
    }

    [Fact]
    public void InitialisersWorkOnParametersThatRequireGradients()
    {
        using var linear = new Linear(4, 3);
        init.kaiming_normal_(linear.weight);
        init.zeros_(linear.bias!);
        Assert.True(linear.weight.is_leaf);
        Assert.True(linear.weight.requires_grad);
        Assert.Equal(new float[3], linear.bias!.data<float>());
    }

    [SkippableFact]
    public void InitialisersDrawWhatPyTorchDraws()
    {
        TorchReference.Require();
        using var scope = torch.NewDisposeScope();
        using var g = new Generator(3);
        var trunc = init.trunc_normal_(torch.empty(6, 5), mean: 0.1, std: 0.5, a: -0.3, b: 0.8, generator: g);
        var kaiming = init.kaiming_normal_(torch.empty(4, 3, 2, 2), mode: "fan_out", nonlinearity: "relu", generator: g);
        var xavier = init.xavier_uniform_(torch.empty(5, 7), gain: init.calculate_gain("tanh"), generator: g);
        var r = TorchReference.Run("""
import torch.nn as nn
torch.manual_seed(3)
out['trunc'] = nn.init.trunc_normal_(torch.empty(6, 5), mean=0.1, std=0.5, a=-0.3, b=0.8)
out['kaiming'] = nn.init.kaiming_normal_(torch.empty(4, 3, 2, 2), mode='fan_out', nonlinearity='relu')
out['xavier'] = nn.init.xavier_uniform_(torch.empty(5, 7), gain=nn.init.calculate_gain('tanh'))
""");
        Close.Equal(TorchReference.Doubles(r.GetProperty("trunc")), trunc, 1e-6, "trunc_normal_");
        Close.Equal(TorchReference.Doubles(r.GetProperty("kaiming")), kaiming, 1e-6, "kaiming_normal_");
        Close.Equal(TorchReference.Doubles(r.GetProperty("xavier")), xavier, 1e-6, "xavier_uniform_");
    }
}
