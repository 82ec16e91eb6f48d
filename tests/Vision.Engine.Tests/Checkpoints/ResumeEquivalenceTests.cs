using Vision.Data.BatchAugments;
using Vision.Engine.Checkpoints;
using Vision.Engine.Evaluation;
using Vision.Engine.Hooks;
using Vision.Engine.Optim;
using Vision.Engine.Schedulers;
using Vision.Engine.Tests.Training;
using Vision.Engine.Training;

namespace Vision.Engine.Tests.Checkpoints;

/// <summary>
/// Interrupting and resuming must not change training: 4 epochs straight, 2 + resume + 2, and a crash mid-epoch
/// resumed from a recovery or interrupt checkpoint all end with bit-identical weights. The setup exercises every piece
/// of carried state: dropout (global generator), a shuffling loader with worker threads, Mixup (batch random source),
/// SGD momentum, an iteration-based scheduler, EMA, and gradient accumulation with a short last window (5 batches
/// per epoch, windows of 2).
/// </summary>
[Collection(TrainerCollection.Name)]
public sealed class ResumeEquivalenceTests : IDisposable
{
    private readonly TrainingFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    private sealed record Run(Dictionary<string, float[]> Weights, Dictionary<string, float[]> Ema, long Iter, long Steps);

    private Run Train(string workDir, int maxEpochs, string? resume = null, Hook? extra = null, Action<TrainerOptions>? options = null)
    {
        using var trainData = TrainingFixture.Quadrants(40, seed: 1);
        using var valData = TrainingFixture.Quadrants(8, seed: 2);
        using var train = TrainingFixture.Loader(trainData, 8, shuffle: true, workers: 2);
        using var val = TrainingFixture.Loader(valData, 8);
        // A different initialisation for resumed runs proves the weights come from the checkpoint.
        using var model = TrainingFixture.Mlp(seed: resume is null ? 5UL : 99UL, dropout: 0.3);
        using var ema = new EMAHook(0.9, EmaDecay.Warmup);
        var builder = fixture.Builder(model, train, val)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.05, momentum: 0.9))
            .WithSchedule(c => new CosineAnnealingLR(c.Optimizer, T_max: 12, by_epoch: false))
            .WithBatchAugment(new Mixup(mixupAlpha: 0.4, numClasses: 4, labelSmoothing: 0.1))
            .WithEvaluator(new LossEvaluator())
            .WithHooks(ema)
            .WithOptions(o =>
            {
                o.WorkDir = workDir;
                o.MaxEpochs = maxEpochs;
                o.AccumulateGradBatches = 2;
                o.Seed = 17;
                o.Resume = resume;
                options?.Invoke(o);
            });
        if (extra is not null)
        {
            builder.WithHooks(extra);
        }
        using var trainer = builder.Build();
        trainer.Fit();
        return new Run(TrainingFixture.Snapshot(model), ema.Averages.ToDictionary(a => a.Key, a => a.Value.contiguous().data<float>()), trainer.Iter, trainer.OptimizerSteps);
    }

    [Fact]
    public void StraightRunAndResumedRunsEndBitwiseEqual()
    {
        var straight = Train(Path.Combine(fixture.WorkDir, "straight"), maxEpochs: 4);
        Assert.Equal(20, straight.Iter);
        Assert.Equal(12, straight.Steps);

        // 2 epochs, then a new trainer (new process in real life) resumes from the newest checkpoint for 2 more.
        var split = Path.Combine(fixture.WorkDir, "split");
        Train(split, maxEpochs: 2);
        var resumed = Train(split, maxEpochs: 4, resume: "auto");
        TrainingFixture.AssertBitwiseEqual(straight.Weights, resumed.Weights, "2 + resume + 2");
        TrainingFixture.AssertBitwiseEqual(straight.Ema, resumed.Ema, "EMA after 2 + resume + 2");
        Assert.Equal(straight.Steps, resumed.Steps);

        // A crash in epoch 3 after 13 batches; recovery checkpoints every 3 iterations (at window ends 4, 7, 9, 12),
        // the last two kept. Resuming picks recovery_iter_12 (epoch 3, 2 batches consumed) and skips those batches.
        var crashed = Path.Combine(fixture.WorkDir, "recovery");
        var crash = new ActionHook(beforeIter: (t, _) => { if (t.Iter == 13) { throw new SimulatedCrashException(); } });
        Assert.Throws<SimulatedCrashException>(() => Train(crashed, maxEpochs: 4, extra: crash, options: o =>
        {
            o.Checkpoint.RecoveryInterval = 3;
            o.Checkpoint.SaveOnInterrupt = false;
        }));
        var store = new FileCheckpointStore(Path.Combine(crashed, "checkpoints"));
        Assert.Equal(["epoch_1", "epoch_2", "recovery_iter_12", "recovery_iter_9"], store.List());
        var recovery = FileCheckpointStore.ReadMeta(store.FindLatest()!);
        Assert.Equal(("recovery_iter_12", 2, 2, 12L, 7L), (recovery.Name, recovery.Epoch, recovery.BatchesConsumed, recovery.Iter, recovery.OptimizerSteps));
        var recovered = Train(crashed, maxEpochs: 4, resume: "auto");
        TrainingFixture.AssertBitwiseEqual(straight.Weights, recovered.Weights, "crash + resume from a recovery checkpoint");
        TrainingFixture.AssertBitwiseEqual(straight.Ema, recovered.Ema, "EMA after resuming from a recovery checkpoint");
    }

    [Fact]
    public void ACrashInsideAnAccumulationWindowWritesAnInterruptCheckpointThatResumesExactly()
    {
        var straight = Train(Path.Combine(fixture.WorkDir, "straight"), maxEpochs: 3);

        // Batch 13 is the second of the window [12, 13]: batch 12 already ran forward and backward (drawing dropout
        // masks), so the checkpoint must hold the state and random stream from before it, at iteration 12.
        var crashed = Path.Combine(fixture.WorkDir, "interrupt");
        var crash = new ActionHook(beforeIter: (t, _) => { if (t.Iter == 13) { throw new SimulatedCrashException(); } });
        Assert.Throws<SimulatedCrashException>(() => Train(crashed, maxEpochs: 3, extra: crash));
        var store = new FileCheckpointStore(Path.Combine(crashed, "checkpoints"));
        var latest = FileCheckpointStore.ReadMeta(store.FindLatest()!);
        Assert.Equal(("interrupt_iter_12", 2, 2, 12L), (latest.Name, latest.Epoch, latest.BatchesConsumed, latest.Iter));

        var resumed = Train(crashed, maxEpochs: 3, resume: "auto");
        TrainingFixture.AssertBitwiseEqual(straight.Weights, resumed.Weights, "crash mid-window + resume");
    }
}
