using static Vision.Tests.Tensors.TensorAssert;

namespace Vision.Tests.Tensors;

public class DataAccessTests
{
    [Fact]
    public void AsSpanViewsTheElementsWithoutCopying()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.arange(6, dtype: torch.float32).reshape(2, 3);
        var span = t.AsSpan<float>();
        Assert.Equal(6, span.Length);
        span[4] = -1;
        Exact(t, [2, 3], 0, 1, 2, 3, -1, 5);
        Assert.Throws<ArgumentException>(() => t.AsSpan<double>());
        Assert.Throws<InvalidOperationException>(() => t.t().AsSpan<float>());
    }

    [Fact]
    public void CopyToChecksTypeAndLength()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.arange(4).view(2, 2).t();
        var buffer = new long[4];
        t.CopyTo<long>(buffer);
        Assert.Equal(new long[] { 0, 2, 1, 3 }, buffer);
        Assert.Throws<ArgumentException>(() => t.CopyTo<int>(new int[4]));
        Assert.Throws<TorchException>(() => t.CopyTo<long>(new long[3]));
    }

    [Fact]
    public void CopyBroadcastsAndConverts()
    {
        using var scope = torch.NewDisposeScope();
        var target = torch.zeros(2, 3);
        Assert.Same(target, target.copy_(torch.tensor(new long[] { 1, 2, 3 })));
        Exact(target, [2, 3], 1, 2, 3, 1, 2, 3);
        Assert.Throws<TorchException>(() => target.copy_(torch.ones(4)));
    }

    [Fact]
    public void CloneCopiesAliasShares()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new double[] { 1, 2 }).requires_grad_();
        var clone = x.clone();
        Assert.False(clone.shares_storage_with(x));
        Assert.Equal("CloneBackward0", clone.grad_fn_name);
        var alias = x.alias();
        Assert.True(alias.is_leaf);
        Assert.True(alias.requires_grad);
        (alias * 3).sum().backward();
        Exact(x.grad!, [2], 3, 3);
        alias.Dispose();
        Assert.False(x.IsDisposed);
    }

    [Fact]
    public void DeviceMemoryFormatAndPrintout()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.arange(120, dtype: torch.float32).reshape(2, 3, 4, 5);
        Assert.Equal(DeviceType.CPU, t.device.Type);
        Assert.True(t.cpu().shares_storage_with(t));
        var channelsLast = t.contiguous(MemoryFormat.ChannelsLast);
        Assert.Equal(new long[] { 60, 1, 15, 3 }, channelsLast.stride());
        Assert.True(channelsLast.equal(t));
        Assert.Contains("1.5000", torch.tensor(new float[] { 1.5f, -2 }).ToString());
        Assert.Contains("[ CPUFloatType{2} ]", torch.tensor(new float[] { 1.5f, -2 }).ToString());
    }
}
