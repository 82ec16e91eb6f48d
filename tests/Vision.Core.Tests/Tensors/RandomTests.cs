using Vision.Tests.Reference;
using static Vision.Tests.Tensors.TensorAssert;

namespace Vision.Tests.Tensors;

[Collection(SerialCollection.Name)]
public class RandomTests
{
    // One draw of every random op from the given generator (null: the global one).
    private static Tensor[] Draws(Generator? g = null) =>
    [
        torch.randn([3, 7], torch.float32, generator: g), torch.randn([5], torch.float64, generator: g), torch.rand([4], torch.float32, generator: g),
        torch.randint(0, 10, [6], generator: g), torch.randperm(8, generator: g), torch.bernoulli(torch.full([5], 0.5), g),
        torch.multinomial(torch.tensor(new float[] { 0.1f, 0.2f, 0.3f, 0.4f }), 3, generator: g),
    ];

    private static void AssertSameDraws(Tensor[] expected, Tensor[] actual)
    {
        for (var k = 0; k < expected.Length; k++)
        {
            Assert.True(expected[k].equal(actual[k]), $"draw {k} differs");
        }
    }

    [Fact]
    public void ManualSeedReproducesEveryRandomOp()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(7);
        var first = Draws();
        torch.manual_seed(7);
        AssertSameDraws(first, Draws());
        torch.manual_seed(8);
        Assert.False(first[0].equal(torch.randn(3, 7)));
    }

    [Fact]
    public void GeneratorsAreIndependentOfTheGlobalOneAndOfEachOther()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        var expected = torch.randn(5);
        torch.manual_seed(3);
        using var g = new Generator(42);
        var fromG = Draws(g);
        Assert.True(expected.equal(torch.randn(5)), "drawing from a generator moved the global one");
        using var twin = new Generator(42);
        AssertSameDraws(fromG, Draws(twin));
        Assert.Equal(42UL, g.initial_seed());
        g.manual_seed(42);
        AssertSameDraws(fromG, Draws(g));
        torch.manual_seed(42);
        AssertSameDraws(fromG, Draws());
        Assert.Equal(42UL, Generator.Default.initial_seed());
        var disposed = new Generator(1);
        disposed.Dispose();
        Assert.Throws<ObjectDisposedException>(() => torch.rand([1], torch.float32, generator: disposed));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void GetStateSetStateRestoresTheSequence(bool global)
    {
        using var scope = torch.NewDisposeScope();
        using var own = new Generator(5);
        var g = global ? Generator.Default : own;
        Draws(g);
        var state = global ? torch.get_rng_state() : g.get_state();
        Assert.Equal(ScalarType.Byte, state.dtype);
        Assert.Equal(1, state.dim());
        var first = Draws(g);
        var second = Draws(g);
        Assert.False(first[0].equal(second[0]));
        if (global)
        {
            torch.set_rng_state(state);
        }
        else
        {
            g.set_state(state);
        }
        AssertSameDraws(first, Draws(g));
        AssertSameDraws(second, Draws(g));
    }

    [Fact]
    public void DistributionsHaveTheirSupportAndMoments()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(11);
        var ints = torch.randint(-3, 4, [10000]).data<long>();
        Assert.Equal(new long[] { -3, -2, -1, 0, 1, 2, 3 }, ints.Distinct().Order());
        var perm = torch.randperm(50);
        Assert.True(perm.sort().values.equal(torch.arange(50)));
        Assert.False(perm.equal(torch.arange(50)));
        var coins = torch.bernoulli(torch.full([200000], 0.3, torch.float64));
        Assert.Equal(new double[] { 0, 1 }, coins.data<double>().Distinct().Order());
        Assert.InRange(coins.mean().item<double>(), 0.295, 0.305);
        Assert.InRange(torch.bernoulli(torch.zeros([100000], torch.float64), 0.8).mean().item<double>(), 0.795, 0.805);
        var uniform = torch.rand([100000], torch.float64);
        Assert.InRange(uniform.min().item<double>(), 0, 1e-3);
        Assert.InRange(uniform.max().item<double>(), 1 - 1e-3, 1 - 1e-300);
        Assert.InRange(uniform.mean().item<double>(), 0.495, 0.505);
        var normal = torch.randn([100000], torch.float64);
        Assert.InRange(normal.mean().item<double>(), -0.015, 0.015);
        Assert.InRange(normal.std().item<double>(), 0.985, 1.015);
        Exact(torch.multinomial(torch.tensor(new float[] { 0, 0, 1, 0 }), 2, replacement: true), [2], 2, 2);
    }

    [SkippableFact]
    public void SeededDrawsEqualPyTorchs()
    {
        TorchReference.Require();
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1234);
        var draws = Draws();
        var reference = TorchReference.Run("""
            torch.manual_seed(1234)
            out['draws'] = [torch.randn(3, 7), torch.randn(5, dtype=torch.float64), torch.rand(4), torch.randint(0, 10, (6,)),
                            torch.randperm(8), torch.bernoulli(torch.full((5,), 0.5)),
                            torch.multinomial(torch.tensor([0.1, 0.2, 0.3, 0.4]), 3)]
            """);
        var expected = reference.GetProperty("draws").EnumerateArray().Select(TorchReference.Doubles).ToArray();
        for (var k = 0; k < draws.Length; k++)
        {
            Assert.Equal(expected[k], draws[k].data<double>());
        }
    }
}
