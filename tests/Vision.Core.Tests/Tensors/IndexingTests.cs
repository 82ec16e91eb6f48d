using static Vision.Tests.Tensors.TensorAssert;
using TI = Vision.TensorIndex;

namespace Vision.Tests.Tensors;

public class IndexingTests
{
    // Reads of x = arange(24).reshape(2, 3, 4) (x[i, j, k] = 12i + 4j + k), as PyTorch evaluates them.
    public static TheoryData<string, Func<Tensor, Tensor>, long[], double[]> Reads => new()
    {
        { "x[1]", x => x[1], [3, 4], [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23] },
        { "x[-1, -1]", x => x[-1, -1], [4], [20, 21, 22, 23] },
        { "x[0, 1:3, 1]", x => x[0, 1..3, 1], [2], [5, 9] },
        { "x[:, -1]", x => x[.., ^1], [2, 4], [8, 9, 10, 11, 20, 21, 22, 23] },
        { "x[-1:, :-2, 1:]", x => x[^1.., ..^2, 1..], [1, 1, 3], [13, 14, 15] },
        { "x[0, 0, ::2]", x => x[0, 0, TI.Slice(step: 2)], [2], [0, 2] },
        { "x[1, 2, 1::2]", x => x[1, 2, TI.Slice(1, null, 2)], [2], [21, 23] },
        { "x[0, -2:, -3:-1]", x => x[0, TI.Slice(-2), TI.Slice(-3, -1)], [2, 2], [5, 6, 9, 10] },
        { "x[0, 5:]", x => x[0, 5..], [0, 4], [] },
        { "x[..., 2]", x => x[TI.Ellipsis, 2], [2, 3], [2, 6, 10, 14, 18, 22] },
        { "x[0, ..., 0]", x => x[0, TI.Ellipsis, 0], [3], [0, 4, 8] },
        { "x[1, None, 2]", x => x[1, TI.None, 2], [1, 4], [20, 21, 22, 23] },
        { "x[[1, 0], 0, 0]", x => x[torch.tensor(new long[] { 1, 0 }), 0, 0], [2], [12, 0] },
        { "x[0, [2, 2, 0]]", x => x[0, torch.tensor(new long[] { 2, 2, 0 })], [3, 4], [8, 9, 10, 11, 8, 9, 10, 11, 0, 1, 2, 3] },
        { "x[:, [0, 2], [1, 3]]", x => x[.., torch.tensor(new long[] { 0, 2 }), torch.tensor(new long[] { 1, 3 })], [2, 2], [1, 11, 13, 23] },
        { "x[1, [[0], [2]], [1, 3]]", x => x[1, torch.tensor(new long[] { 0, 2 }, 2, 1), torch.tensor(new long[] { 1, 3 })], [2, 2], [13, 15, 21, 23] },
        { "x[x > 20]", x => x[x.gt(20)], [3], [21, 22, 23] },
        { "x[mask2d]", x => x[torch.tensor(new[] { true, false, false, false, false, true }, 2, 3)], [2, 4], [0, 1, 2, 3, 20, 21, 22, 23] },
        { "x[..., mask]", x => x[1, TI.Ellipsis, torch.tensor(new[] { false, true, true, false })], [3, 2], [13, 14, 17, 18, 21, 22] },
    };

    [Theory]
    [MemberData(nameof(Reads))]
    public void ReadsMatchPyTorch(string expression, Func<Tensor, Tensor> read, long[] shape, double[] values)
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.arange(24).reshape(2, 3, 4);
        var r = read(x);
        Assert.True(shape.SequenceEqual(r.shape), $"{expression}: shape [{string.Join(", ", r.shape)}]");
        Assert.Equal(values, r.data<double>());
    }

    [Fact]
    public void NoneAndEllipsisShapes()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.zeros(2, 3, 4);
        Assert.Equal(new long[] { 1, 2, 3, 4, 1 }, x[TI.None, TI.Ellipsis, TI.None].shape);
        Assert.Equal(new long[] { 2, 3, 4 }, x[TI.Ellipsis].shape);
        Assert.Equal(new long[] { 2, 1, 3, 4 }, x[.., TI.None].shape);
        Assert.Equal(new long[] { 2, 3, 1 }, x[TI.Ellipsis, ^1..].shape);
    }

    [Fact]
    public void BasicIndexingGivesViewsAdvancedGivesCopies()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.arange(24).reshape(2, 3, 4);
        Assert.True(x[0, 1..3].shares_storage_with(x));
        Assert.True(x[TI.Ellipsis, 1].shares_storage_with(x));
        Assert.False(x[torch.tensor(new long[] { 0 })].shares_storage_with(x));
        Assert.False(x[x.gt(3)].shares_storage_with(x));
    }

    // Writes into x = arange(24).reshape(2, 3, 4) and the flat positions they change.
    public static TheoryData<string, Action<Tensor>, Dictionary<int, double>> Writes => new()
    {
        { "x[0, 1:3, 1] = -1", x => x[0, 1..3, 1] = torch.tensor(-1, torch.int64), new() { [5] = -1, [9] = -1 } },
        { "x[:, -1, 0] = [100, 200]", x => x[.., ^1, 0] = torch.tensor(new long[] { 100, 200 }), new() { [8] = 100, [20] = 200 } },
        { "x[1, ..., -1] = 7", x => x.index_put_(7, 1, TI.Ellipsis, -1), new() { [15] = 7, [19] = 7, [23] = 7 } },
        { "x[x > 21] = 0", x => x[x.gt(21)] = torch.tensor(0, torch.int64), new() { [22] = 0, [23] = 0 } },
        { "x[[1, 0], 2, 3] = [5, 6]", x => x[torch.tensor(new long[] { 1, 0 }), 2, 3] = torch.tensor(new long[] { 5, 6 }), new() { [23] = 5, [11] = 6 } },
        { "x[0, 0, mask] = -3", x => x.index_put_(-3, 0, 0, torch.tensor(new[] { true, false, false, true })), new() { [0] = -3, [3] = -3 } },
    };

    [Theory]
    [MemberData(nameof(Writes))]
    public void AssignmentWritesOnlyTheIndexedPositions(string expression, Action<Tensor> write, Dictionary<int, double> changed)
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.arange(24).reshape(2, 3, 4);
        write(x);
        var expected = Enumerable.Range(0, 24).Select(i => changed.TryGetValue(i, out var v) ? v : i).ToArray();
        Assert.True(expected.SequenceEqual(x.data<double>()), expression);
    }

    [Fact]
    public void IndexErrorsAreReported()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.zeros(2, 3);
        Assert.Contains("out of range", Assert.Throws<TorchException>(() => x[2]).Message);
        Assert.Contains("out of range", Assert.Throws<TorchException>(() => x[0, -4]).Message);
        Assert.Throws<IndexOutOfRangeException>(() => x[0, 0, 0]);
        Assert.Throws<ArgumentException>(() => x[TI.Ellipsis, TI.Ellipsis]);
        Assert.Throws<TorchException>(() => x[torch.tensor(new long[] { 5 })]);
    }
}
