using static Vision.Tests.Tensors.TensorAssert;

namespace Vision.Tests.Tensors;

public class JoinSplitTests
{
    private static Tensor Longs(long[] values, params long[] shape) => torch.tensor(values, shape);

    [Fact]
    public void IndexSelectAndGather()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.arange(12).reshape(3, 4);
        Exact(x.index_select(0, Longs([2, 0, 2])), [3, 4], 8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11);
        Exact(x.index_select(1, Longs([3, 1])), [3, 2], 3, 1, 7, 5, 11, 9);
        // out[i][j] = x[index[i][j]][j] along dim 0, x[i][index[i][j]] along dim 1.
        Exact(x.gather(0, Longs([2, 1, 0, 0], 1, 4)), [1, 4], 8, 5, 2, 3);
        Exact(x.gather(1, Longs([3, 3, 0, 1, 2, 2], 3, 2)), [3, 2], 3, 3, 4, 5, 10, 10);
    }

    [Fact]
    public void ScatterAndScatterAdd()
    {
        using var scope = torch.NewDisposeScope();
        var zeros = torch.zeros([2, 4], torch.float64);
        var index = Longs([0, 3, 2, 1], 2, 2);
        var src = F64([1, 2, 3, 4], 2, 2);
        Exact(zeros.scatter(1, index, src), [2, 4], 1, 0, 0, 2, 0, 4, 3, 0);
        Exact(zeros.scatter(1, index, 9.5), [2, 4], 9.5, 0, 0, 9.5, 0, 9.5, 9.5, 0);
        // Repeated indices accumulate in scatter_add.
        Exact(zeros.scatter_add(1, Longs([0, 3, 1, 1], 2, 2), src), [2, 4], 1, 0, 0, 2, 0, 7, 0, 0);
        Assert.Equal(0, zeros.abs().sum().item<double>());
        zeros.scatter_(0, Longs([1, 0], 1, 2), F64([5, 6], 1, 2));
        Exact(zeros, [2, 4], 0, 6, 0, 0, 5, 0, 0, 0);
        zeros.scatter_add_(1, Longs([2, 2], 1, 2), F64([1, 1], 1, 2));
        Exact(zeros, [2, 4], 0, 6, 2, 0, 5, 0, 0, 0);
    }

    [Fact]
    public void CatAndStack()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.arange(4).reshape(2, 2);
        var b = torch.arange(4, 6).reshape(1, 2);
        Exact(torch.cat([a, b]), [3, 2], 0, 1, 2, 3, 4, 5);
        Exact(torch.cat([a, a.t()], 1), [2, 4], 0, 1, 0, 2, 2, 3, 1, 3);
        Exact(torch.stack([a, a * 10]), [2, 2, 2], 0, 1, 2, 3, 0, 10, 20, 30);
        Exact(torch.stack([a, a * 10], -1), [2, 2, 2], 0, 0, 1, 10, 2, 20, 3, 30);
        Assert.Throws<TorchException>(() => torch.cat([a, b], 1));
    }

    public static TheoryData<long, long, long[]> Chunks => new()
    {
        { 10, 3, [4, 4, 2] },
        { 10, 4, [3, 3, 3, 1] },
        { 10, 6, [2, 2, 2, 2, 2] },
        { 10, 10, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1] },
        { 10, 12, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1] },
        { 6, 4, [2, 2, 2] },
        { 5, 1, [5] },
        { 0, 3, [0, 0, 0] },
    };

    [Theory]
    [MemberData(nameof(Chunks))]
    public void ChunkMatchesTorchChunk(long length, long chunks, long[] sizes)
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.arange(length);
        var parts = x.chunk(chunks);
        Assert.Equal(sizes, parts.Select(p => p.size(0)));
        Assert.All(parts, p => Assert.True(p.shares_storage_with(x)));
        Assert.True(torch.cat(parts).equal(x));
    }

    [Fact]
    public void SplitBySizeAndBySizes()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.arange(14).reshape(2, 7);
        Assert.Equal(new long[] { 3, 3, 1 }, x.split(3, 1).Select(p => p.size(1)));
        var parts = x.split([2, 5], 1);
        Exact(parts[0], [2, 2], 0, 1, 7, 8);
        Exact(parts[1], [2, 5], 2, 3, 4, 5, 6, 9, 10, 11, 12, 13);
        Assert.Equal(new long[] { 0 }, torch.zeros(0).split(2).Select(p => p.size(0)));
        Assert.Throws<TorchException>(() => x.split([2, 2], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => x.split(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => x.chunk(0));
    }

    [Fact]
    public void WhereMaskedFillRollFlipAndTriangles()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.arange(6, 0, -1).reshape(2, 3).to(torch.float64);
        var mask = x.gt(3);
        Exact(torch.where(mask, x, x.neg()), [2, 3], 6, 5, 4, -3, -2, -1);
        Exact(torch.where(mask, x, torch.zeros([1], torch.float64)), [2, 3], 6, 5, 4, 0, 0, 0);
        Exact(x.masked_fill(mask, -1), [2, 3], -1, -1, -1, 3, 2, 1);
        Exact(x.masked_fill(mask, torch.tensor(0.5, torch.float64)), [2, 3], 0.5, 0.5, 0.5, 3, 2, 1);
        var y = x.clone();
        y.masked_fill_(torch.tensor(new[] { true, false, true }), 0);
        Exact(y, [2, 3], 0, 5, 0, 0, 2, 0);
        var r = torch.arange(6).reshape(2, 3);
        Exact(r.roll(1, 1), [2, 3], 2, 0, 1, 5, 3, 4);
        Exact(r.roll(-1, 1), [2, 3], 1, 2, 0, 4, 5, 3);
        Exact(r.roll([1, 4], [0, 1]), [2, 3], 5, 3, 4, 2, 0, 1);
        Assert.Throws<ArgumentException>(() => r.roll([1], [0, 1]));
        Exact(r.flip(1), [2, 3], 2, 1, 0, 5, 4, 3);
        Exact(r.flip(0, 1), [2, 3], 5, 4, 3, 2, 1, 0);
        var sq = torch.arange(1, 10).reshape(3, 3);
        Exact(sq.tril(), [3, 3], 1, 0, 0, 4, 5, 0, 7, 8, 9);
        Exact(sq.triu(1), [3, 3], 0, 2, 3, 0, 0, 6, 0, 0, 0);
    }
}
