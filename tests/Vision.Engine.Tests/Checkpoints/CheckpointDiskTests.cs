using System.Globalization;
using Vision.Engine.Checkpoints;
using Vision.Engine.Evaluation;
using Vision.Engine.Optim;
using Vision.Engine.Tests.Training;

namespace Vision.Engine.Tests.Checkpoints;

/// <summary>What a run leaves on disk by default: the newest two periodic checkpoints plus a weights-only best one, and a summary line.</summary>
[Collection(TrainerCollection.Name)]
public sealed class CheckpointDiskTests : IDisposable
{
    private readonly TrainingFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    private static long Bytes(string folder) => new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    [Fact]
    public void DefaultsKeepTwoPeriodicCheckpointsAndAWeightsOnlyBestAndReportTheBytesWritten()
    {
        using var trainData = TrainingFixture.Quadrants(8, seed: 1);
        using var valData = TrainingFixture.Quadrants(8, seed: 2);
        using var train = TrainingFixture.Loader(trainData, 4);
        using var val = TrainingFixture.Loader(valData, 8);
        using var model = TrainingFixture.Linear(seed: 3);
        var result = fixture.Builder(model, train, val)
            .WithOptimizer(m => new AdamW(m.parameters(), lr: 0.01))
            .WithEvaluator(new LossEvaluator())
            .WithOptions(o => { o.MaxEpochs = 4; o.Checkpoint.SaveBest = "loss"; })
            .Fit();

        var store = new FileCheckpointStore(fixture.CheckpointDir);
        var kept = store.List();
        Assert.Equal(["epoch_3", "epoch_4"], kept.Where(n => n.StartsWith("epoch_", StringComparison.Ordinal)));
        var best = Assert.Single(kept, n => n.StartsWith("best_loss_", StringComparison.Ordinal));
        Assert.Equal(3, kept.Count);

        // AdamW keeps two moment buffers per parameter: the periodic checkpoints carry them, the best one does not.
        using (var periodic = store.Load("epoch_4"))
        {
            Assert.False(periodic.Meta.WeightsOnly);
            Assert.Equal(4, periodic.WithPrefix(Checkpoint.OptimizerPrefix).Count);   // weight and bias: exp_avg, exp_avg_sq
        }
        using (var weightsOnly = store.Load(best))
        {
            Assert.True(weightsOnly.Meta.WeightsOnly);
            Assert.Empty(weightsOnly.WithPrefix(Checkpoint.OptimizerPrefix));
            Assert.Empty(weightsOnly.Meta.OptimizerParamSteps);
            Assert.Equal(2, weightsOnly.WithPrefix(Checkpoint.ModelPrefix).Count);
        }

        var keptBytes = kept.Sum(n => Bytes(Path.Combine(fixture.CheckpointDir, n)));
        var console = fixture.ConsoleText.ToString();
        var saves = console.Split('\n').Count(l => l.Contains("Saved checkpoint", StringComparison.Ordinal));
        var summary = Assert.Single(console.Split('\n'), l => l.Contains("Checkpoints: ", StringComparison.Ordinal));
        Assert.Contains(string.Create(CultureInfo.InvariantCulture,
            $"Checkpoints: {saves} written this run, "), summary);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture,
            $"'{fixture.CheckpointDir}' keeps 3 ({keptBytes / 1e6:F1} MB)."), summary);
        Assert.NotNull(result.BestCheckpoint);
    }

    [Fact]
    public void ResumingFromTheWeightsOnlyBestCheckpointSaysWhyNotAndWhatToDo()
    {
        using var trainData = TrainingFixture.Quadrants(8, seed: 1);
        using var train = TrainingFixture.Loader(trainData, 4);
        using var model = TrainingFixture.Linear(seed: 3);
        var result = fixture.Builder(model, train, train)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.1, momentum: 0.9))
            .WithEvaluator(new LossEvaluator())
            .WithOptions(o => { o.MaxEpochs = 1; o.Checkpoint.SaveBest = "loss"; })
            .Fit();

        var error = Assert.Throws<InvalidOperationException>(() => fixture.Builder(model, train)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.1, momentum: 0.9))
            .WithOptions(o => { o.MaxEpochs = 2; o.Resume = result.BestCheckpoint; })
            .Fit());
        Assert.Contains($"Checkpoint '{result.BestCheckpoint}' holds the weights only", error.Message);
        Assert.Contains("start from these weights with load_from", error.Message);
    }
}
