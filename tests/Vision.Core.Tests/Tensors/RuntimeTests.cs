namespace Vision.Tests.Tensors;

[Collection(SerialCollection.Name)]
public class RuntimeTests
{
    [Fact]
    public void NumThreadsRoundTrips()
    {
        var original = torch.get_num_threads();
        try
        {
            foreach (var n in new[] { 2, 1, 3 })
            {
                torch.set_num_threads(n);
                Assert.Equal(n, torch.get_num_threads());
            }
            Assert.Throws<ArgumentOutOfRangeException>(() => torch.set_num_threads(0));
        }
        finally
        {
            torch.set_num_threads(original);
        }
        Assert.Equal(original, torch.get_num_threads());
        Assert.True(torch.get_num_interop_threads() >= 1);
    }

    [Fact]
    public void CpuBuildReportsNoCuda()
    {
        Assert.False(torch.cuda.is_available());
        Assert.Equal(0, torch.cuda.device_count());
        using var t = torch.ones(1);
        Assert.Throws<TorchException>(() => t.cuda());
    }

    [Fact]
    public void VersionIsLibtorch113()
    {
        Assert.StartsWith("1.13", torch.version);
        Assert.Matches(@"^\d+\.\d+\.\d+$", torch.version);
    }
}
