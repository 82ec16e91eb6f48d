using static Vision.Tests.Tensors.TensorAssert;

namespace Vision.Tests.Tensors;

public class ReductionTests
{
    // x = [[1, 5, 3], [4, 2, 6]]: every row has mean m and squared deviations summing to 8 (row 0: 4 + 4 + 0, row 1: 0 + 4 + 4).
    private static Tensor X() => F64([1, 5, 3, 4, 2, 6], 2, 3);

    // Reductions of x, with the expected shape for keepdim false and true, and values.
    public static TheoryData<string, Func<Tensor, bool, Tensor>, long[], long[], double[]> Reductions => new()
    {
        { "sum(0)", (x, k) => x.sum(0, k), [3], [1, 3], [5, 7, 9] },
        { "sum(1)", (x, k) => x.sum(1, k), [2], [2, 1], [9, 12] },
        { "sum([0, 1])", (x, k) => x.sum([0, 1], k), [], [1, 1], [21] },
        { "sum(-1) as int", (x, k) => x.to(torch.int32).sum(-1, k, torch.int64), [2], [2, 1], [9, 12] },
        { "mean(0)", (x, k) => x.mean(0, k), [3], [1, 3], [2.5, 3.5, 4.5] },
        { "mean([1])", (x, k) => x.mean([1], k), [2], [2, 1], [3, 4] },
        { "var(1)", (x, k) => x.var(1, keepdim: k), [2], [2, 1], [4, 4] },
        { "var(1, correction 0)", (x, k) => x.var(1, 0, k), [2], [2, 1], [8.0 / 3, 8.0 / 3] },
        { "std(1)", (x, k) => x.std(1, keepdim: k), [2], [2, 1], [2, 2] },
        { "std(1, correction 0)", (x, k) => x.std(1, 0, k), [2], [2, 1], [Math.Sqrt(8.0 / 3), Math.Sqrt(8.0 / 3)] },
        { "var(all)", (x, k) => x.var([0, 1], 1, k), [], [1, 1], [3.5] },
        { "std(all, correction 0)", (x, k) => x.std([0, 1], 0, k), [], [1, 1], [Math.Sqrt(17.5 / 6)] },
        { "prod(1)", (x, k) => x.prod(1, k), [2], [2, 1], [15, 48] },
        { "max(1).values", (x, k) => x.max(1, k).values, [2], [2, 1], [5, 6] },
        { "max(1).indices", (x, k) => x.max(1, k).indices, [2], [2, 1], [1, 2] },
        { "min(0).values", (x, k) => x.min(0, k).values, [3], [1, 3], [1, 2, 3] },
        { "min(0).indices", (x, k) => x.min(0, k).indices, [3], [1, 3], [0, 1, 0] },
        { "argmax(0)", (x, k) => x.argmax(0, k), [3], [1, 3], [1, 0, 1] },
        { "argmin(1)", (x, k) => x.argmin(1, k), [2], [2, 1], [0, 1] },
        { "amax(0)", (x, k) => x.amax([0], k), [3], [1, 3], [4, 5, 6] },
        { "amin([0, 1])", (x, k) => x.amin([0, 1], k), [], [1, 1], [1] },
        { "norm(2, 1)", (x, k) => x.norm(2, [1], k), [2], [2, 1], [Math.Sqrt(35), Math.Sqrt(56)] },
        { "norm(1, 0)", (x, k) => x.norm(1, [0], k), [3], [1, 3], [5, 7, 9] },
        { "norm(inf, 1)", (x, k) => x.norm(double.PositiveInfinity, [1], k), [2], [2, 1], [5, 6] },
        {
            "logsumexp(1)", (x, k) => x.logsumexp(1, k), [2], [2, 1],
            [Math.Log(Math.Exp(1) + Math.Exp(5) + Math.Exp(3)), Math.Log(Math.Exp(4) + Math.Exp(2) + Math.Exp(6))]
        },
        { "logsumexp([0, 1])", (x, k) => x.logsumexp([0, 1], k), [], [1, 1], [Math.Log(new[] { 1.0, 5, 3, 4, 2, 6 }.Sum(Math.Exp))] },
    };

    [Theory]
    [MemberData(nameof(Reductions))]
    public void ReductionsOverDimsWithAndWithoutKeepdim(string name, Func<Tensor, bool, Tensor> reduce, long[] shape, long[] keptShape, double[] expected)
    {
        using var scope = torch.NewDisposeScope();
        foreach (var keepdim in new[] { false, true })
        {
            var r = reduce(X(), keepdim);
            Assert.True((keepdim ? keptShape : shape).SequenceEqual(r.shape), $"{name} keepdim={keepdim}: shape [{string.Join(", ", r.shape)}]");
            Close(expected, r, 1e-14, name);
        }
    }

    [Fact]
    public void FullReductions()
    {
        using var scope = torch.NewDisposeScope();
        var x = X();
        Assert.Equal(21, x.sum().item<double>());
        // A literal 0 converts to any enum, so sum(0) must still mean "over dim 0", not "as dtype 0 (uint8)".
        Exact(x.sum(0), [3], 5, 7, 9);
        Exact(x.mean(0), [3], 2.5, 3.5, 4.5);
        Assert.Equal(3.5, x.mean().item<double>());
        Assert.Equal(3.5, x.var().item<double>(), 14);
        Assert.Equal(Math.Sqrt(17.5 / 6), x.std(correction: 0).item<double>(), 14);
        Assert.Equal(720, x.prod().item<double>());
        Assert.Equal(6, x.max().item<double>());
        Assert.Equal(1, x.min().item<double>());
        Assert.Equal(5, x.argmax().item<long>());
        Assert.Equal(0, x.argmin().item<long>());
        Assert.Equal(Math.Sqrt(91), x.norm().item<double>(), 14);
        Assert.Equal(21, x.norm(1).item<double>(), 14);
        Assert.Equal(ScalarType.Int64, torch.arange(4).sum().dtype);
        Assert.Equal(ScalarType.Float64, torch.arange(4).sum(dtype: torch.float64).dtype);
        Assert.Equal(1.5, torch.arange(4).mean(dtype: torch.float32).item<float>());
        Assert.True(torch.tensor(new[] { true, true }).all().item<bool>());
        Assert.False(torch.tensor(new[] { true, false }).all().item<bool>());
        Assert.True(torch.tensor(new[] { false, true }).any().item<bool>());
        Assert.False(torch.zeros(3).any().item<bool>());
    }

    [Fact]
    public void CumsumAlongEachDim()
    {
        using var scope = torch.NewDisposeScope();
        Exact(X().cumsum(1), [2, 3], 1, 6, 9, 4, 6, 12);
        Exact(X().cumsum(0), [2, 3], 1, 5, 3, 5, 7, 9);
        Exact(torch.arange(1, 5).cumsum(0), [4], 1, 3, 6, 10);
    }

    [Fact]
    public void TopkSortAndArgsort()
    {
        using var scope = torch.NewDisposeScope();
        var x = X();
        var (top, topIndex) = x.topk(2);
        Exact(top, [2, 2], 5, 3, 6, 4);
        Exact(topIndex, [2, 2], 1, 2, 2, 0);
        var (low, lowIndex) = x.topk(1, 0, largest: false);
        Exact(low, [1, 3], 1, 2, 3);
        Exact(lowIndex, [1, 3], 0, 1, 0);
        var (sorted, order) = x.sort();
        Exact(sorted, [2, 3], 1, 3, 5, 2, 4, 6);
        Exact(order, [2, 3], 0, 2, 1, 1, 0, 2);
        var (desc, descOrder) = x.sort(0, descending: true);
        Exact(desc, [2, 3], 4, 5, 6, 1, 2, 3);
        Exact(descOrder, [2, 3], 1, 0, 1, 0, 1, 0);
        Exact(x.argsort(), [2, 3], 0, 2, 1, 1, 0, 2);
        Exact(x.argsort(1, descending: true), [2, 3], 1, 2, 0, 2, 0, 1);
        // A stable sort keeps equal keys in their original order.
        var ties = F64([2, 1, 2, 1, 0, 1]);
        Exact(ties.sort(stable: true).indices, [6], 4, 1, 3, 5, 0, 2);
        Exact(ties.sort(descending: true, stable: true).indices, [6], 0, 2, 1, 3, 5, 4);
        Assert.Throws<TorchException>(() => x.topk(4));
    }
}
