using Vision.Engine.Checkpoints;
using Vision.Engine.Evaluation;
using Vision.Engine.Optim;
using Vision.Engine.Tests.Training;
using Vision.Engine.Training;

namespace Vision.Engine.Tests.Checkpoints;

[Collection(TrainerCollection.Name)]
public sealed class CheckpointHookTests : IDisposable
{
    private readonly TrainingFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    private FitResult Train(Action<TrainerOptions> options, bool validate = false, CancellationToken cancellation = default, Vision.Engine.Hooks.Hook? hook = null)
    {
        using var trainData = TrainingFixture.Quadrants(20, seed: 1);
        using var valData = TrainingFixture.Quadrants(8, seed: 2);
        using var train = TrainingFixture.Loader(trainData, 4);
        using var val = TrainingFixture.Loader(valData, 8);
        using var model = TrainingFixture.Linear(seed: 3);
        var builder = fixture.Builder(model, train, validate ? val : null)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.1))
            .WithOptions(options);
        if (validate)
        {
            builder.WithEvaluator(new LossEvaluator());
        }
        if (hook is not null)
        {
            builder.WithHooks(hook);
        }
        return builder.Fit(cancellation);
    }

    private IReadOnlyList<string> Saved() => new FileCheckpointStore(fixture.CheckpointDir).List();

    [Fact]
    public void KeepsTheNewestPeriodicCheckpointsAndOneBest()
    {
        var result = Train(o =>
        {
            o.MaxEpochs = 4;
            o.Checkpoint.MaxKeepCkpts = 2;
            o.Checkpoint.SaveBest = "auto";
        }, validate: true);

        // The validation loss of this separable problem falls every epoch, so the best is the last epoch.
        Assert.Equal(["best_loss_epoch_4", "epoch_3", "epoch_4"], Saved());
        Assert.Equal(Path.Combine(fixture.CheckpointDir, "best_loss_epoch_4"), result.BestCheckpoint);
        Assert.Equal(Path.Combine(fixture.CheckpointDir, "epoch_4"), result.LatestCheckpoint);
        var best = FileCheckpointStore.ReadMeta(result.BestCheckpoint!);
        Assert.Equal(result.Metrics["loss"], best.Metrics["loss"]);
        Assert.Equal("loss", best.Hooks["CheckpointHook"]!["best_metric"]!.GetValue<string>());
    }

    [Fact]
    public void IterationBasedRunsSaveByIterationAndTheLastState()
    {
        var result = Train(o =>
        {
            o.MaxIters = 7;
            o.ValInterval = 3;
            o.Checkpoint.Interval = 3;
            o.Checkpoint.MaxKeepCkpts = -1;
        }, validate: true);
        Assert.Equal((StopReason.Completed, 7L, 1), (result.Reason, result.Iter, result.Epoch));
        Assert.Equal(["iter_3", "iter_6", "iter_7"], Saved());
        var last = FileCheckpointStore.ReadMeta(result.LatestCheckpoint!);
        Assert.Equal((1, 2, 7L), (last.Epoch, last.BatchesConsumed, last.Iter));
        // Validation every 3 iterations and after the last one, inside the epochs.
        var validations = File.ReadAllLines(Path.Combine(result.LogDir, Vision.Engine.Logging.JsonLinesScalarWriter.FileName))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Where(r => r.GetProperty("mode").GetString() == "val")
            .Select(r => (r.GetProperty("epoch").GetInt32(), r.GetProperty("iter").GetInt64()));
        Assert.Equal([(1, 3L), (2, 6L), (2, 7L)], validations);
    }

    [Fact]
    public void CancellationStopsAfterTheCurrentOptimizerStepAndWritesACheckpoint()
    {
        using var cancellation = new CancellationTokenSource();
        // Cancelled during batch 5, the first of the window [5, 6]: training goes on to the window's end.
        var cancel = new ActionHook(afterIter: (t, _) => { if (t.Iter == 5) { cancellation.Cancel(); } });
        var result = Train(o =>
        {
            o.MaxEpochs = 3;
            o.AccumulateGradBatches = 2;
        }, cancellation: cancellation.Token, hook: cancel);

        Assert.Equal(StopReason.Interrupted, result.Reason);
        Assert.Equal("interrupted: the cancellation token was cancelled", result.Message);
        Assert.Equal((7L, 4L), (result.Iter, result.OptimizerSteps));
        Assert.Equal(["epoch_1", "interrupt_iter_7"], Saved());
        var interrupt = FileCheckpointStore.ReadMeta(result.LatestCheckpoint!);
        Assert.Equal((1, 2, 7L), (interrupt.Epoch, interrupt.BatchesConsumed, interrupt.Iter));
    }

    [Fact]
    public void AutoResumeWithoutACheckpointStartsFromScratch()
    {
        var result = Train(o =>
        {
            o.MaxEpochs = 1;
            o.Resume = "auto";
        });
        Assert.Equal(5, result.Iter);
        Assert.Contains($"resume = \"auto\" found no checkpoint in '{fixture.CheckpointDir}'; training from scratch.", fixture.ConsoleText.ToString());
    }
}
