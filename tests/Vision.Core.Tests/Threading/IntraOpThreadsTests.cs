using Vision.Tests.Tensors;
using Vision.Threading;

namespace Vision.Tests.Threading;

[Collection(SerialCollection.Name)]
public class IntraOpThreadsTests
{
    // Two sockets with two hyper-threaded cores each: 8 logical processors, 4 physical cores.
    private static readonly string TwoSocketsWithHyperThreads = string.Join("\n\n",
        from package in new[] { 0, 1 }
        from core in new[] { 0, 1 }
        from sibling in new[] { 0, 1 }
        select $"processor\t: {package * 4 + core * 2 + sibling}\nvendor_id\t: GenuineIntel\nphysical id\t: {package}\nsiblings\t: 4\ncore id\t\t: {core}\ncpu cores\t: 2");

    [Fact]
    public void CountsDistinctCoresPerPackage()
    {
        Assert.Equal(4, IntraOpThreads.CountPhysicalCores(TwoSocketsWithHyperThreads));
        Assert.Equal(1, IntraOpThreads.CountPhysicalCores("processor\t: 0\ncore id\t: 0\n\nprocessor\t: 1\ncore id\t: 0\n"));
        // No topology (some VMs, ARM): 0, so the caller falls back to the processor count.
        Assert.Equal(0, IntraOpThreads.CountPhysicalCores("processor\t: 0\nBogoMIPS\t: 50.00\n\nprocessor\t: 1\n"));
    }

    [Fact]
    public void PhysicalCoresMatchThisMachineAndDefaultFollowsThem()
    {
        var expected = IntraOpThreads.CountPhysicalCores(File.ReadAllText("/proc/cpuinfo")) is > 0 and var cores
            ? Math.Min(cores, Environment.ProcessorCount)
            : Environment.ProcessorCount;
        Assert.Equal(expected, IntraOpThreads.PhysicalCores);
        if (Environment.GetEnvironmentVariable("OMP_NUM_THREADS") is null && Environment.GetEnvironmentVariable("MKL_NUM_THREADS") is null)
        {
            Assert.Equal(expected, IntraOpThreads.Default);
            Assert.Equal("physical cores", IntraOpThreads.DefaultSource);
        }
    }

    [Fact]
    public void ConfigureSetsTheRequestedOrDefaultCount()
    {
        var original = torch.get_num_threads();
        try
        {
            Assert.Equal(3, IntraOpThreads.Configure(3));
            Assert.Equal(3, torch.get_num_threads());
            Assert.Equal(IntraOpThreads.Default, IntraOpThreads.Configure(null));
            Assert.Throws<ArgumentOutOfRangeException>(() => IntraOpThreads.Configure(0));
        }
        finally
        {
            torch.set_num_threads(original);
        }
    }

    [Fact]
    public void LimitCurrentThreadLeavesOtherThreadsAlone()
    {
        var original = torch.get_num_threads();
        try
        {
            torch.set_num_threads(3);
            int limited = 0, afterOps = 0;
            var worker = new Thread(() =>
            {
                IntraOpThreads.LimitCurrentThread(1);
                limited = torch.get_num_threads();
                // The first op on a thread runs libtorch's per-thread initialisation; the limit must survive it.
                using var x = torch.randn(256, 256);
                using var y = x.matmul(x);
                afterOps = torch.get_num_threads();
            });
            worker.Start();
            worker.Join();
            Assert.Equal(1, limited);
            Assert.Equal(1, afterOps);
            Assert.Equal(3, torch.get_num_threads());
            Assert.Throws<ArgumentOutOfRangeException>(() => IntraOpThreads.LimitCurrentThread(0));
        }
        finally
        {
            torch.set_num_threads(original);
        }
    }
}
