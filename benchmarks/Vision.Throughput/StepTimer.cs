using System.Diagnostics;
using Vision.Data;
using Vision.Engine.Hooks;
using Vision.Engine.Training;

namespace Vision.Throughput;

/// <summary>
/// Times the training iterations after the first <c>warmup</c> ones (from the end of the last warm-up iteration to
/// the end of the last one): wall time, and process CPU time, which is the steadier of the two on a shared machine.
/// </summary>
internal sealed class StepTimer(int warmup) : Hook(HookPriority.Lowest)
{
    private readonly Stopwatch clock = new();
    private TimeSpan cpuStart;
    private int done;

    public double Seconds { get; private set; }

    public double CpuSeconds { get; private set; }

    public override void BeforeTrain(Trainer trainer)
    {
        if (warmup == 0)
        {
            Start();
        }
    }

    public override void AfterTrainIter(Trainer trainer, int batchIndex, Batch batch, TrainStepOutput output)
    {
        done++;
        if (done == warmup)
        {
            Start();
        }
        else if (done > warmup)
        {
            Seconds = clock.Elapsed.TotalSeconds;
            CpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds;
        }
    }

    private void Start()
    {
        cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        clock.Restart();
    }
}
