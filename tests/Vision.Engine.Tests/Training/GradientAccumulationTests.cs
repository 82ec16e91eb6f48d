using Vision.Engine.Hooks;
using Vision.Engine.Optim;
using Vision.Engine.Schedulers;
using Vision.Engine.Training;
using F = Vision.nn.functional;

namespace Vision.Engine.Tests.Training;

[Collection(TrainerCollection.Name)]
public sealed class GradientAccumulationTests : IDisposable
{
    private readonly TrainingFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    private Dictionary<string, float[]> TrainLinear(int batchSize, int accumulate, int samples, int epochs, params Hook[] hooks)
    {
        using var data = TrainingFixture.Quadrants(samples, seed: 1);
        using var loader = TrainingFixture.Loader(data, batchSize, shuffle: true);
        using var model = TrainingFixture.Linear(seed: 3);
        fixture.Builder(model, loader)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.5))
            .WithHooks(hooks)
            .WithOptions(o =>
            {
                o.MaxEpochs = epochs;
                o.AccumulateGradBatches = accumulate;
                o.Checkpoint.Interval = 0;
                o.Checkpoint.SaveLast = false;
            })
            .Fit();
        return TrainingFixture.Snapshot(model);
    }

    [Fact]
    public void AccumulatingTwoBatchesOfFourEqualsBatchesOfEight()
    {
        // The shuffled order does not depend on the batch size, so each window of two batches of 4 holds the samples
        // of one batch of 8, and the mean of the two halves' means is the mean over 8.
        var accumulated = TrainLinear(batchSize: 4, accumulate: 2, samples: 32, epochs: 2);
        var large = TrainLinear(batchSize: 8, accumulate: 1, samples: 32, epochs: 2);
        foreach (var (key, expected) in large)
        {
            Numerics.AssertClose(expected.Select(v => (double)v).ToArray(), accumulated[key].Select(v => (double)v).ToArray(), 1e-6, key);
        }
    }

    [Fact]
    public void SchedulersEmaAndStepCountsFollowOptimizerStepsNotBatches()
    {
        using var data = TrainingFixture.Quadrants(20, seed: 1);
        using var loader = TrainingFixture.Loader(data, 4);
        using var model = TrainingFixture.Linear(seed: 3);
        using var ema = new EMAHook();
        var lrs = new List<double>();
        using var trainer = fixture.Builder(model, loader)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 1.0))
            .WithSchedule(c => new StepLR(c.Optimizer, step_size: 1, gamma: 0.5, by_epoch: false))
            .WithHooks(ema, new ActionHook(afterIter: (t, o) => { if (o.OptimizerStepped) { lrs.Add(t.Optimizer.param_groups[0].lr); } }, priority: HookPriority.Lowest))
            .WithOptions(o =>
            {
                o.MaxEpochs = 2;
                o.AccumulateGradBatches = 2;
            })
            .Build();
        trainer.Fit();

        // 5 batches per epoch in windows [0, 1], [2, 3], [4]: 3 optimizer steps per epoch.
        Assert.Equal(10, trainer.Iter);
        Assert.Equal(6, trainer.OptimizerSteps);
        Assert.Equal(3, trainer.StepsPerEpoch);
        Assert.Equal(6, ema.Updates);
        Assert.Equal(6, trainer.Schedulers[0].global_step);
        Assert.Equal([0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625], lrs);
    }

    [Fact]
    public void TheLastShortWindowOfAnEpochIsScaledByItsRealLength()
    {
        // 12 samples in batches of 4, windows of 2: [b0, b1] then [b2] alone. Reference: plain SGD on
        // loss(b0)/2 + loss(b1)/2, then on loss(b2)/1.
        using var data = TrainingFixture.Quadrants(12, seed: 1);
        var trained = TrainLinearSequential(data);

        using var scope = torch.NewDisposeScope();
        using var reference = TrainingFixture.Linear(seed: 3);
        var inputs = (data.Images.permute(0, 3, 1, 2).to(ScalarType.Float32) - 127.5) / 127.5;
        var lr = 0.5;
        foreach (var window in new[] { new[] { 0, 1 }, new[] { 2 } })
        {
            foreach (var b in window)
            {
                var x = inputs.narrow(0, b * 4, 4);
                var y = data.Labels.narrow(0, b * 4, 4);
                (F.cross_entropy(reference.forward(x), y) / window.Length).backward();
            }
            using (torch.no_grad())
            {
                foreach (var p in reference.parameters())
                {
                    p.sub_(p.grad!, lr);
                }
            }
            reference.zero_grad();
        }
        foreach (var (key, expected) in TrainingFixture.Snapshot(reference))
        {
            Numerics.AssertClose(expected.Select(v => (double)v).ToArray(), trained[key].Select(v => (double)v).ToArray(), 1e-6, key);
        }
    }

    private Dictionary<string, float[]> TrainLinearSequential(Vision.Data.Datasets.InMemoryDataset data)
    {
        using var loader = TrainingFixture.Loader(data, 4);
        using var model = TrainingFixture.Linear(seed: 3);
        fixture.Builder(model, loader)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.5))
            .WithOptions(o =>
            {
                o.MaxEpochs = 1;
                o.AccumulateGradBatches = 2;
            })
            .Fit();
        return TrainingFixture.Snapshot(model);
    }
}
