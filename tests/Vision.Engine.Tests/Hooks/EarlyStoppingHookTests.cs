using Vision.Engine.Evaluation;
using Vision.Engine.Hooks;
using Vision.Engine.Optim;
using Vision.Engine.Tests.Training;
using Vision.Engine.Training;

namespace Vision.Engine.Tests.Hooks;

[Collection(TrainerCollection.Name)]
public sealed class EarlyStoppingHookTests : IDisposable
{
    private readonly TrainingFixture fixture = new();
    private readonly Vision.Data.Datasets.InMemoryDataset data = TrainingFixture.Quadrants(8, seed: 1);
    private readonly Vision.nn.Sequential model = TrainingFixture.Linear(seed: 1);

    public void Dispose()
    {
        model.Dispose();
        data.Dispose();
        fixture.Dispose();
    }

    // A trainer to hand to the hook; it never trains.
    private Trainer BuildTrainer()
    {
        var loader = TrainingFixture.Loader(data, 4);
        return fixture.Builder(model, loader)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.1))
            .WithOptions(o => o.MaxEpochs = 1)
            .Build();
    }

    [Fact]
    public void StopsAfterPatienceValidationsWithoutAnImprovementAboveMinDelta()
    {
        using var trainer = BuildTrainer();
        var hook = new EarlyStoppingHook("accuracy/top1", minDelta: 0.5, patience: 2);
        // 70 → 80 improves; 80.4 is within min_delta (wait 1); 81 improves; 81.2 and 81 do not (wait 1, 2: stop).
        double[] values = [70, 80, 80.4, 81, 81.2, 81];
        var stoppedAt = -1;
        for (var i = 0; i < values.Length && stoppedAt < 0; i++)
        {
            hook.AfterValEpoch(trainer, new Dictionary<string, double> { ["accuracy/top1"] = values[i] });
            if (trainer.StopRequested)
            {
                stoppedAt = i;
            }
        }
        Assert.Equal(5, stoppedAt);
        Assert.Equal((81.0, 2), (hook.Best, hook.Wait));
    }

    [Fact]
    public void LossIsMinimisedAndANonFiniteValueStopsAtOnce()
    {
        using var trainer = BuildTrainer();
        var hook = new EarlyStoppingHook("loss", minDelta: 0, patience: 3);
        hook.AfterValEpoch(trainer, new Dictionary<string, double> { ["loss"] = 2.0 });
        hook.AfterValEpoch(trainer, new Dictionary<string, double> { ["loss"] = 1.5 });
        Assert.Equal((1.5, 0), (hook.Best, hook.Wait));
        hook.AfterValEpoch(trainer, new Dictionary<string, double> { ["loss"] = 1.7 });
        Assert.Equal((1.5, 1), (hook.Best, hook.Wait));
        Assert.False(trainer.StopRequested);
        hook.AfterValEpoch(trainer, new Dictionary<string, double> { ["loss"] = double.NaN });
        Assert.True(trainer.StopRequested);
    }

    [Fact]
    public void ATrainingRunStopsEarlyAndSaysWhy()
    {
        using var trainData = TrainingFixture.Quadrants(8, seed: 1);
        using var valData = TrainingFixture.Quadrants(8, seed: 2);
        using var train = TrainingFixture.Loader(trainData, 4);
        using var val = TrainingFixture.Loader(valData, 4);
        using var trained = TrainingFixture.Linear(seed: 3);
        // With lr 0 the validation loss never changes: the first validation sets the best, the next two do not improve.
        var result = fixture.Builder(trained, train, val)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.0))
            .WithEvaluator(new LossEvaluator())
            .WithHooks(new EarlyStoppingHook("loss", patience: 2))
            .WithOptions(o => o.MaxEpochs = 10)
            .Fit();
        Assert.Equal(StopReason.Stopped, result.Reason);
        Assert.Equal(3, result.Epoch);
        Assert.StartsWith("early stopping: 'loss' did not improve by more than 0.1 for 2 validations (best ", result.Message);
        // The checkpoint of the epoch it stopped after is the latest.
        Assert.Equal(Path.Combine(fixture.CheckpointDir, "epoch_3"), result.LatestCheckpoint);
    }
}
