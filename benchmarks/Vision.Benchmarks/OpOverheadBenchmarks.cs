using BenchmarkDotNet.Attributes;
using Vision.Native;

namespace Vision.Benchmarks;

/// <summary>
/// What a managed call adds on top of libtorch: a + b on one-element tensors from C#, against the same
/// at::add called in a C++ loop inside the shim. The difference is Vision's per-op overhead
/// (P/Invoke, handle allocation, dispose-scope registration, freeing).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class OpOverheadBenchmarks
{
    private const int CallsPerInvoke = 1000;
    private Tensor a = null!;
    private Tensor b = null!;

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(1);
        a = torch.ones(1);
        b = torch.ones(1);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        a.Dispose();
        b.Dispose();
    }

    /// <summary>at::add from C++: the floor no binding can go under.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = CallsPerInvoke)]
    public double NativeAddLoop()
    {
        NativeMethods.Check(NativeMethods.vt_bench_add_loop(a.Handle, b.Handle, CallsPerInvoke, out var ns));
        return ns;
    }

    /// <summary>a + b from C#, disposing each result.</summary>
    [Benchmark(OperationsPerInvoke = CallsPerInvoke)]
    public void ManagedAddDispose()
    {
        for (var i = 0; i < CallsPerInvoke; i++)
        {
            (a + b).Dispose();
        }
    }

    /// <summary>a + b from C# inside a dispose scope, as a training step does.</summary>
    [Benchmark(OperationsPerInvoke = CallsPerInvoke)]
    public void ManagedAddInScope()
    {
        using var scope = torch.NewDisposeScope();
        for (var i = 0; i < CallsPerInvoke; i++)
        {
            _ = a + b;
        }
    }
}
