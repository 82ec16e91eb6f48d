using Vision.nn;

namespace Vision.Tests.nn;

public class DropoutTests
{
    [Fact]
    public void DropPathDropsWholeSamplesAndKeepsTheExpectation()
    {
        using var scope = torch.NewDisposeScope();
        using var dropPath = new DropPath(0.25);
        var x = torch.ones(20000, 2, 3);
        var y = dropPath.forward(x);
        // One draw per sample: every element of a sample is the same, 0 or 1 / keep.
        var perSample = y.flatten(1);
        Assert.True(perSample.amax([1]).equal(perSample.amin([1])));
        var values = perSample.select(1, 0).data<float>();
        Assert.All(values, v => Assert.True(v == 0 || Math.Abs(v - 1 / 0.75) < 1e-6, $"unexpected value {v}"));
        var kept = values.Count(v => v != 0) / (double)values.Length;
        Assert.Equal(0.75, kept, 0.02);
        Assert.Equal(1, y.mean().item<double>(), 0.03);

        using var unscaled = new DropPath(0.25, scale_by_keep: false);
        Assert.All(unscaled.forward(x).flatten().data<float>(), v => Assert.True(v is 0 or 1));
        using var all = new DropPath(1);
        Assert.Equal(0, all.forward(x).abs().sum().item<double>());

        dropPath.eval();
        var passed = dropPath.forward(x);
        Assert.True(passed.equal(x));
        passed.Dispose();
        Assert.False(x.IsDisposed);
    }

    [Fact]
    public void DropoutZeroesElementsAndScalesTheRestOnlyWhenTraining()
    {
        using var scope = torch.NewDisposeScope();
        using var dropout = new Dropout(0.4);
        var x = torch.ones(100000);
        var values = dropout.forward(x).data<float>();
        Assert.All(values, v => Assert.True(v == 0 || Math.Abs(v - 1 / 0.6) < 1e-6, $"unexpected value {v}"));
        Assert.Equal(0.4, values.Count(v => v == 0) / (double)values.Length, 0.01);
        dropout.eval();
        Assert.True(dropout.forward(x).equal(x));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DropPath(-0.1));
    }
}
