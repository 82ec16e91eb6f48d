using Vision.Data.BatchAugments;

namespace Vision.Data.Tests.BatchAugments;

public sealed class RandomDistributionsTests
{
    private static (double Mean, double Variance) Moments(Func<double> draw, int count = 20000)
    {
        var samples = Enumerable.Range(0, count).Select(_ => draw()).ToArray();
        var mean = samples.Average();
        return (mean, samples.Select(s => (s - mean) * (s - mean)).Sum() / (count - 1));
    }

    [Theory]
    [InlineData(0.2, 0.2)]
    [InlineData(1.0, 1.0)]
    [InlineData(2.0, 5.0)]
    [InlineData(0.8, 3.0)]
    public void BetaHasTheBetaMoments(double a, double b)
    {
        var rng = new Random(1);
        var (mean, variance) = Moments(() => rng.NextBeta(a, b));
        Assert.Equal(a / (a + b), mean, 0.015);
        Assert.Equal(a * b / ((a + b) * (a + b) * (a + b + 1)), variance, 0.01);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(1.0)]
    [InlineData(4.5)]
    public void GammaMeanAndVarianceEqualTheShape(double shape)
    {
        var rng = new Random(2);
        var (mean, variance) = Moments(() => rng.NextGamma(shape));
        Assert.Equal(shape, mean, 0.03 * Math.Max(1, shape));
        Assert.Equal(shape, variance, 0.08 * Math.Max(1, shape));
    }

    [Fact]
    public void TinyBetaParametersStayInTheUnitIntervalWithoutNaN()
    {
        // Both Gamma draws underflow for α = 0.01; the log-space ratio still gives 0/1-heavy, valid values.
        var rng = new Random(3);
        var samples = Enumerable.Range(0, 5000).Select(_ => rng.NextBeta(0.01, 0.01)).ToArray();
        Assert.All(samples, s => Assert.InRange(s, 0.0, 1.0));
        Assert.Equal(0.5, samples.Average(), 0.05);
    }

    [Fact]
    public void SameSeedSameDraws()
    {
        Assert.Equal(new Random(9).NextBeta(0.4, 0.4), new Random(9).NextBeta(0.4, 0.4));
    }

    [Fact]
    public void NonPositiveParameterIsRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Random(0).NextBeta(0, 1));
        Assert.Equal("alpha", e.ParamName);
    }
}
