using static Vision.Tests.Tensors.TensorAssert;

namespace Vision.Tests.Tensors;

public class ViewTests
{
    // Each view of x = arange(24).reshape(2, 3, 4), the view's shape, and which x[i, j, k] it covers.
    public static TheoryData<string, Func<Tensor, Tensor>, long[], Func<long, long, long, bool>> Views => new()
    {
        { "view", x => x.view(6, -1), [6, 4], (_, _, _) => true },
        { "reshape", x => x.reshape(4, 6), [4, 6], (_, _, _) => true },
        { "permute", x => x.permute(2, 0, 1), [4, 2, 3], (_, _, _) => true },
        { "transpose", x => x.transpose(0, 2), [4, 3, 2], (_, _, _) => true },
        { "mT", x => x.mT, [2, 4, 3], (_, _, _) => true },
        { "flatten", x => x.flatten(1), [2, 12], (_, _, _) => true },
        { "unflatten", x => x.unflatten(2, 2, 2), [2, 3, 2, 2], (_, _, _) => true },
        { "unsqueeze", x => x.unsqueeze(-1), [2, 3, 4, 1], (_, _, _) => true },
        { "squeeze", x => x.narrow(1, 1, 1).squeeze(), [2, 4], (_, j, _) => j == 1 },
        { "squeeze(dim)", x => x.narrow(0, 1, 1).squeeze(0), [3, 4], (i, _, _) => i == 1 },
        { "slice", x => x.slice(2, 1, 4, 2), [2, 3, 2], (_, _, k) => k % 2 == 1 },
        { "negative slice", x => x.slice(1, -2, long.MaxValue), [2, 2, 4], (_, j, _) => j >= 1 },
        { "narrow", x => x.narrow(1, 1, 2), [2, 2, 4], (_, j, _) => j >= 1 },
        { "select", x => x.select(2, -1), [2, 3], (_, _, k) => k == 3 },
        { "split", x => x.split([1, 3], 2)[1], [2, 3, 3], (_, _, k) => k >= 1 },
        { "chunk", x => x.chunk(2, 0)[1], [1, 3, 4], (i, _, _) => i == 1 },
    };

    [Theory]
    [MemberData(nameof(Views))]
    public void ViewsShareStorageAndWriteThrough(string name, Func<Tensor, Tensor> makeView, long[] shape, Func<long, long, long, bool> covers)
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.arange(24).reshape(2, 3, 4);
        var v = makeView(x);
        Assert.Equal(shape, v.shape);
        Assert.True(v.shares_storage_with(x), name);
        v.fill_(-1);
        var expected = new List<double>();
        for (long i = 0; i < 2; i++)
        for (long j = 0; j < 3; j++)
        for (long k = 0; k < 4; k++)
        {
            expected.Add(covers(i, j, k) ? -1 : i * 12 + j * 4 + k);
        }
        Assert.Equal(expected, x.data<double>());
    }

    [Fact]
    public void ViewsReorderValues()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.arange(6).reshape(2, 3);
        Exact(x.t(), [3, 2], 0, 3, 1, 4, 2, 5);
        // As Tensor.t() in PyTorch: vectors and scalars come back unchanged, more than 2 dims is an error.
        Exact(torch.arange(3).t(), [3], 0, 1, 2);
        Exact(torch.tensor(5.0).t(), [], 5);
        Assert.Contains("expects a tensor with <= 2 dimensions", Assert.Throws<TorchException>(() => torch.zeros(1, 2, 3).t()).Message);
        Exact(x.permute(1, 0).reshape(6), [6], 0, 3, 1, 4, 2, 5);
        Exact(x.unsqueeze(1).expand(2, 2, 3), [2, 2, 3], 0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5);
        Exact(x.select(1, 1), [2], 1, 4);
        Exact(x.slice(1, 0, 3, 2), [2, 2], 0, 2, 3, 5);
    }

    [Fact]
    public void StridesContiguityAndStorageOffset()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.arange(24).reshape(2, 3, 4);
        Assert.Equal(new long[] { 12, 4, 1 }, x.stride());
        Assert.True(x.is_contiguous());
        var t = x.transpose(0, 2);
        Assert.Equal(new long[] { 1, 4, 12 }, t.stride());
        Assert.False(t.is_contiguous());
        var c = t.contiguous();
        Assert.True(c.is_contiguous());
        Assert.False(c.shares_storage_with(x));
        Assert.True(c.equal(t));
        Assert.True(x.contiguous().shares_storage_with(x));
        Assert.Equal(new long[] { 12, 4, 2 }, x.slice(2, 0, 4, 2).stride());
        Assert.Equal(16, x.select(0, 1).select(0, 1).storage_offset());
        Assert.Equal(new long[] { 0, 4, 1 }, x.select(0, 0).expand(5, 3, 4).stride());
        var nchw = torch.zeros(2, 3, 4, 5);
        var nhwcView = nchw.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        Assert.True(nhwcView.is_contiguous(MemoryFormat.ChannelsLast));
        Assert.False(nhwcView.is_contiguous());
        Assert.Equal(new long[] { 60, 1, 15, 3 }, nhwcView.stride());
    }

    [Fact]
    public void ReshapeCopiesWhenAViewIsImpossible()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.arange(6).reshape(2, 3).t();
        Assert.Throws<TorchException>(() => t.view(6));
        var flat = t.reshape(6);
        Assert.False(flat.shares_storage_with(t));
        Exact(flat, [6], 0, 3, 1, 4, 2, 5);
    }

    [Fact]
    public void SqueezeKeepsDimensionsThatAreNotOne()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.zeros(1, 3, 1, 2);
        Assert.Equal(new long[] { 3, 2 }, x.squeeze().shape);
        Assert.Equal(new long[] { 1, 3, 1, 2 }, x.squeeze(1).shape);
        Assert.Equal(new long[] { 1, 3, 2 }, x.squeeze(-2).shape);
        Assert.Equal(new long[] { 1, 3, 1, 2, 1 }, x.unsqueeze(4).shape);
        Assert.Equal(3, x.size(1));
        Assert.Equal(2, x.size(-1));
        Assert.Equal(4, x.ndim);
        Assert.Equal(6, x.numel());
    }
}
