using System.Runtime.InteropServices;
using Vision.Engine.Optim;

namespace Vision.Engine.Tests.Training;

[Collection(TrainerCollection.Name)]
public sealed partial class TrainerMemoryTests : IDisposable
{
    // The window starts late: in a full test run, one-time native allocations (new threads' malloc arenas, libtorch's
    // per-thread state) still arrive during the first thousands of steps; a leak grows with every step instead.
    private const int Warmup = 3_000;
    private const int Iterations = 7_000;
    private const long BoundBytes = 512 << 10;

    private readonly TrainingFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    // glibc's struct mallinfo2: ten size_t counters.
    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost;
    }

    [LibraryImport("libc")]
    private static partial MallInfo2 mallinfo2();

    // The bytes malloc has handed out and not had back, over every arena: where libtorch's tensors live. Unlike the
    // RSS it does not move with the managed heap's sizing or with freed pages malloc keeps, so a small bound catches
    // even one leaked tensor per step. Finalizers run first so that only memory still referenced counts.
    private static long NativeBytesInUse()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var info = mallinfo2();
        return (long)(info.Uordblks + info.Hblkhd);
    }

    [SkippableFact]
    public void ThousandsOfTrainingStepsLeaveNativeMemoryFlat()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "mallinfo2 is glibc's");
        using var data = TrainingFixture.Quadrants(64, seed: 1);
        using var loader = TrainingFixture.Loader(data, 8, shuffle: true);
        using var model = TrainingFixture.Mlp(seed: 1, dropout: 0.2);
        long afterWarmup = 0;
        var result = fixture.Builder(model, loader)
            .WithOptimizer(m => new AdamW(m.parameters(), lr: 1e-3))
            .WithHooks(new ActionHook(afterIter: (t, _) => { if (t.Iter + 1 == Warmup) { afterWarmup = NativeBytesInUse(); } }))
            .WithOptions(o =>
            {
                o.MaxIters = Iterations;
                o.AccumulateGradBatches = 2;
                o.ClipGrad.MaxNorm = 1.0;
                o.LogInterval = 100;
                o.Checkpoint.Interval = 0;
                o.Checkpoint.SaveLast = false;
            })
            .Fit();
        var growth = NativeBytesInUse() - afterWarmup;
        Assert.Equal(Iterations, result.Iter);
        Assert.True(growth < BoundBytes, $"native memory in use grew {growth >> 10} KB over {Iterations - Warmup} training iterations");
    }
}
