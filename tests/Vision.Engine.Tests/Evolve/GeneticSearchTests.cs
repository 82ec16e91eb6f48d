using Vision.Engine.Evolve;

namespace Vision.Engine.Tests.Evolve;

public sealed class GeneticSearchTests
{
    private const int Draws = 20_000;

    // P(N·U > a) for N ~ N(0,1), U ~ U(0,1): ∫₀¹ (1 − Φ(a/u)) du, by the midpoint rule.
    private static double ProductTail(double a)
    {
        const int steps = 20_000;
        var sum = 0.0;
        for (var i = 0; i < steps; i++)
        {
            var u = (i + 0.5) / steps;
            sum += 0.5 * Erfc(a / u / Math.Sqrt(2));
        }
        return sum / steps;
    }

    // Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7), enough for tolerances of 1e-2.
    private static double Erfc(double x)
    {
        var t = 1 / (1 + 0.3275911 * Math.Abs(x));
        var y = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.Exp(-x * x);
        return x >= 0 ? y : 2 - y;
    }

    [Fact]
    public void OneMutatedKeyHasMeanOneAndTheVarianceOfGainTimesNormalTimesUniformTimesSigma()
    {
        // With one key a draw that leaves it unmutated (probability 0.2) is drawn again, so every factor is
        // clip(g·N·U·0.2 + 1, 0.3, 3): mean 1 and variance (0.2 g)² E[N²] E[U²] = 0.04 g² / 3 (clipping is negligible at g = 1).
        var factors = Enumerable.Range(0, Draws).Select(g => GeneticSearch.MutationFactors([1.0], new GenerationRandom(7, g))[0]).ToArray();
        var mean = factors.Average();
        var variance = factors.Select(f => (f - mean) * (f - mean)).Sum() / (Draws - 1);
        Assert.Equal(1.0, mean, 0.003);
        Assert.Equal(0.04 / 3, variance, 0.0008);
        Assert.All(factors, f => Assert.NotEqual(1.0, f));
    }

    [Fact]
    public void FactorsAreClippedToPointThreeAndThreeAsOftenAsTheTailsOfTheProductPredict()
    {
        // Gain 20: the factor reaches 3 when 20·N·U·0.2 ≥ 2 (N·U ≥ 0.5) and 0.3 when N·U ≤ −0.175.
        var factors = Enumerable.Range(0, Draws).Select(g => GeneticSearch.MutationFactors([20.0], new GenerationRandom(3, g))[0]).ToArray();
        Assert.All(factors, f => Assert.InRange(f, GeneticSearch.MinFactor, GeneticSearch.MaxFactor));
        Assert.Equal(ProductTail(0.5), factors.Count(f => f == 3.0) / (double)Draws, 0.01);
        Assert.Equal(ProductTail(0.175), factors.Count(f => f == 0.3) / (double)Draws, 0.01);
    }

    [Fact]
    public void EachKeyIsMutatedWithProbabilityPointEightAndAllUnchangedDrawsAreRedrawn()
    {
        // Five keys: a key stays at factor 1 with probability 0.2, conditioned on not all five staying (redrawn):
        // (0.2 − 0.2⁵) / (1 − 0.2⁵). Gain 0 never changes a key.
        var gains = new[] { 1.0, 1, 1, 1, 1, 0 };
        var unchanged = 0;
        for (var g = 0; g < Draws; g++)
        {
            var factors = GeneticSearch.MutationFactors(gains, new GenerationRandom(11, g));
            Assert.Equal(1.0, factors[5]);
            Assert.Contains(factors[..5], f => f != 1.0);
            unchanged += factors[..5].Count(f => f == 1.0);
        }
        Assert.Equal((0.2 - Math.Pow(0.2, 5)) / (1 - Math.Pow(0.2, 5)), unchanged / (5.0 * Draws), 0.006);
    }

    [Fact]
    public void MutationThrowsWhenNoGainIsPositive() =>
        Assert.Throws<ArgumentException>(() => GeneticSearch.MutationFactors([0.0, 0.0], new GenerationRandom(0, 1)));

    [Fact]
    public void AChildIsTheParentTimesItsFactorsClippedToTheBoundsAndRounded()
    {
        var space = new SearchSpace([
            new HyperParameter("lr", ["optim:lr"], 1, 1e-5, 0.02),
            new HyperParameter("momentum", ["optim:momentum"], 0.3, 0.6, 0.98),
            new HyperParameter("fixed", ["optim:fixed"], 0, 0, 10),
            new HyperParameter("warmup", ["warmup"], 1, 1, 5, IsInteger: true),
        ]);
        double[] parent = [0.01, 0.9, 3.0, 2];
        for (var g = 0; g < 2000; g++)
        {
            var child = GeneticSearch.Mutate(parent, space, new GenerationRandom(5, g));
            var factors = GeneticSearch.MutationFactors([1, 0.3, 0, 1], new GenerationRandom(5, g));
            for (var k = 0; k < 4; k++)
            {
                var p = space.Parameters[k];
                var expected = Math.Min(Math.Max(parent[k] * factors[k], p.Low), p.High);
                Assert.Equal(p.IsInteger ? Math.Round(expected, MidpointRounding.AwayFromZero) : Math.Round(expected, 5), child[k]);
                Assert.InRange(child[k], p.Low, p.High);
            }
            Assert.Equal(3.0, child[2]);
        }
    }

    private static readonly (double Fitness, IReadOnlyList<double> Values)[] Results =
    [
        (0.5, [5.0]), (0.7, [7.0]), (0.9, [9.0]), (0.1, [1.0]), (0.3, [3.0]), (0.2, [2.0]),
    ];

    [Fact]
    public void SingleSelectionDrawsFromTheTopFiveWithWeightsFitnessMinusTheirMinimum()
    {
        // Top five: 0.9, 0.7, 0.5, 0.3, 0.2; weights f − 0.2 + 1e-6; the sixth (0.1) is never a parent.
        var counts = new Dictionary<double, int>();
        for (var g = 0; g < Draws; g++)
        {
            var parent = GeneticSearch.SelectParent(Results, ParentSelection.Single, new GenerationRandom(1, g))[0];
            counts[parent] = counts.GetValueOrDefault(parent) + 1;
        }
        var total = 0.7 + 0.5 + 0.3 + 0.1 + 5e-6;
        Assert.False(counts.ContainsKey(1.0));
        Assert.Equal(0.7 / total, counts[9.0] / (double)Draws, 0.012);
        Assert.Equal(0.5 / total, counts[7.0] / (double)Draws, 0.012);
        Assert.Equal(0.3 / total, counts[5.0] / (double)Draws, 0.012);
        Assert.Equal(0.1 / total, counts[3.0] / (double)Draws, 0.008);
        Assert.True(counts.GetValueOrDefault(2.0) < 5);
    }

    [Fact]
    public void WeightedSelectionIsTheWeightedMeanOfTheTopFive()
    {
        var weights = new[] { 0.7, 0.5, 0.3, 0.1, 0.0 }.Select(w => w + 1e-6).ToArray();
        var expected = (9 * weights[0] + 7 * weights[1] + 5 * weights[2] + 3 * weights[3] + 2 * weights[4]) / weights.Sum();
        Assert.Equal(expected, GeneticSearch.SelectParent(Results, ParentSelection.Weighted, new GenerationRandom(1, 1))[0], 12);
    }

    [Fact]
    public void ASingleResultIsTheParentWhateverTheSelection()
    {
        (double, IReadOnlyList<double>)[] one = [(0.4, [4.0, 2.0])];
        Assert.Equal([4.0, 2.0], GeneticSearch.SelectParent(one, ParentSelection.Weighted, new GenerationRandom(1, 1)));
        Assert.Equal([4.0, 2.0], GeneticSearch.SelectParent(one, ParentSelection.Single, new GenerationRandom(1, 1)));
    }

    [Fact]
    public void AGenerationsRandomNumbersDependOnlyOnSeedAndGeneration()
    {
        static double[] Draw(long seed, int g)
        {
            var random = new GenerationRandom(seed, g);
            return [random.Uniform(), random.Normal(), random.Uniform()];
        }
        Assert.Equal(Draw(4, 9), Draw(4, 9));
        Assert.NotEqual(Draw(4, 9), Draw(4, 10));
        Assert.NotEqual(Draw(4, 9), Draw(5, 9));
    }

    [Fact]
    public void RandomSearchDrawsUniformlyWithinTheBounds()
    {
        var space = new SearchSpace([new HyperParameter("a", ["a"], 1, 2, 4), new HyperParameter("b", ["b"], 0, 0, 1)]);
        var samples = Enumerable.Range(0, Draws).Select(g => GeneticSearch.Sample([3.0, 0.5], space, new GenerationRandom(2, g))).ToList();
        Assert.All(samples, s => Assert.InRange(s[0], 2, 4));
        Assert.All(samples, s => Assert.Equal(0.5, s[1]));
        Assert.Equal(3.0, samples.Average(s => s[0]), 0.02);
        Assert.Equal(4.0 / 12, samples.Select(s => (s[0] - 3) * (s[0] - 3)).Average(), 0.01);
    }
}
