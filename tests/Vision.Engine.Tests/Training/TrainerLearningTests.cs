using Vision.Engine.Evaluation;
using Vision.Engine.Hooks;
using Vision.Engine.Optim;
using Vision.Engine.Schedulers;
using Vision.Engine.Training;

namespace Vision.Engine.Tests.Training;

[Collection(TrainerCollection.Name)]
public sealed class TrainerLearningTests : IDisposable
{
    private readonly TrainingFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    [Fact]
    public void SmallMlpLearnsSeparableData()
    {
        using var trainData = TrainingFixture.Quadrants(256, seed: 1);
        using var valData = TrainingFixture.Quadrants(128, seed: 2);
        using var train = TrainingFixture.Loader(trainData, 16, shuffle: true);
        using var val = TrainingFixture.Loader(valData, 32);
        using var model = TrainingFixture.Mlp(seed: 5, dropout: 0.1);

        var result = fixture.Builder(model, train, val)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.1, momentum: 0.9))
            .WithSchedule(c => new CosineAnnealingLR(c.Optimizer, T_max: 6 * c.StepsPerEpoch, by_epoch: false))
            .WithEvaluator(new LossEvaluator())
            .WithOptions(o =>
            {
                o.MaxEpochs = 6;
                o.Seed = 11;
                o.Checkpoint.SaveBest = "loss";
            })
            .Fit();

        Assert.Equal(StopReason.Completed, result.Reason);
        Assert.Equal(6, result.Epoch);
        Assert.Equal(6 * 16, result.Iter);
        Assert.Equal(6 * 16, result.OptimizerSteps);
        Assert.True(result.Metrics["loss"] < 0.1, $"validation loss {result.Metrics["loss"]}");
        Assert.Equal(Path.Combine(fixture.CheckpointDir, "epoch_6"), result.LatestCheckpoint);
        Assert.NotNull(result.BestCheckpoint);
        Assert.StartsWith("best_loss_epoch_", Path.GetFileName(result.BestCheckpoint));

        using var scope = torch.NewDisposeScope();
        model.eval();
        var logits = model.forward((valData.Images.permute(0, 3, 1, 2).to(ScalarType.Float32) - 127.5) / 127.5);
        var accuracy = logits.argmax(1).eq(valData.Labels).to(ScalarType.Float32).mean().item<double>();
        Assert.True(accuracy > 0.95, $"accuracy {accuracy}");
    }

    [Fact]
    public void HooksRunAtEveryLifecyclePointByPriorityThenRegistration()
    {
        using var trainData = TrainingFixture.Quadrants(12, seed: 1);
        using var valData = TrainingFixture.Quadrants(8, seed: 2);
        using var train = TrainingFixture.Loader(trainData, 4);
        using var val = TrainingFixture.Loader(valData, 4);
        using var model = TrainingFixture.Linear(seed: 1);
        var log = new List<string>();

        fixture.Builder(model, train, val)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.01))
            .WithEvaluator(new LossEvaluator())
            .WithHooks(
                new RecordingHook("a", log),
                new RecordingHook("first", log, HookPriority.VeryHigh),
                new RecordingHook("high", log, HookPriority.High),
                new RecordingHook("b", log))
            .WithOptions(o => o.MaxEpochs = 2)
            .Fit();

        // At every point: VERY_HIGH (10), HIGH (30), then the two NORMAL (50) hooks in registration order (all of them
        // before the default CheckpointHook, VERY_LOW, whose saves therefore follow a point's calls as a block).
        var points = log.Where(e => e.StartsWith("a:", StringComparison.Ordinal)).Select(e => e[2..]).ToList();
        var expectedOrder = points.SelectMany(p => new[] { "first:" + p, "high:" + p, "a:" + p, "b:" + p }).ToList();
        Assert.Equal(expectedOrder, log);

        var epoch = new List<string> { "BeforeTrainEpoch" };
        for (var i = 0; i < 3; i++)
        {
            epoch.Add($"BeforeTrainIter{i}");
            epoch.Add($"AfterTrainIter{i}");
        }
        // Validation follows the epoch, and the CheckpointHook (VERY_LOW) saves the epoch's checkpoint once the
        // validation is over, after the NORMAL hooks' AfterVal: the checkpoint holds the validation's results.
        epoch.AddRange(["AfterTrainEpoch", "BeforeVal", "BeforeValEpoch", "BeforeValIter0", "AfterValIter0", "BeforeValIter1",
            "AfterValIter1", "AfterValEpoch", "AfterVal", "BeforeSaveCheckpoint", "AfterSaveCheckpoint"]);
        List<string> expected = ["BeforeRun", "BeforeTrain", .. epoch, .. epoch, "AfterTrain", "AfterRun"];
        Assert.Equal(expected, points);
    }
}
