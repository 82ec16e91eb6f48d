using Vision.Engine.Evaluation;
using Vision.Engine.Hooks;
using Vision.Engine.Optim;
using Vision.Engine.Tests.Training;

namespace Vision.Engine.Tests.Hooks;

[Collection(TrainerCollection.Name)]
public sealed class EMAHookTests : IDisposable
{
    private readonly TrainingFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    [Fact]
    public void DecayFollowsTheConstantWarmupAndTauRules()
    {
        using var constant = new EMAHook(0.999, EmaDecay.Constant);
        Assert.Equal(0.999, constant.Decay(0));
        Assert.Equal(0.999, constant.Decay(10_000));

        using var warmup = new EMAHook(0.999, EmaDecay.Warmup);
        Assert.Equal(0.1, warmup.Decay(0), 15);
        Assert.Equal(0.5, warmup.Decay(8), 15);
        Assert.Equal(991.0 / 1000.0, warmup.Decay(990), 15);
        Assert.Equal(0.999, warmup.Decay(100_000));

        using var tau = new EMAHook(0.9999, EmaDecay.Tau, tau: 2000);
        Assert.Equal(0.9999 * (1 - Math.Exp(-1 / 2000.0)), tau.Decay(0), 15);
        Assert.Equal(0.9999 * (1 - Math.Exp(-2000 / 2000.0)), tau.Decay(1999), 15);

        // The default warms up (YOLOv5's ramp over 2000 updates): a short run's average is mostly its trained weights.
        using var byDefault = new EMAHook(0.9998);
        Assert.Equal(0.9998 * (1 - Math.Exp(-1 / 2000.0)), byDefault.Decay(0), 15);
        Assert.Equal(0.9998 * (1 - Math.Exp(-100 / 2000.0)), byDefault.Decay(99), 15);
    }

    [Fact]
    public void AveragesUpdateAfterOptimizerStepsAndValidationUsesThem()
    {
        using var trainData = TrainingFixture.Quadrants(16, seed: 1);
        using var valData = TrainingFixture.Quadrants(8, seed: 2);
        using var train = TrainingFixture.Loader(trainData, 4);
        using var val = TrainingFixture.Loader(valData, 8);
        using var model = TrainingFixture.Linear(seed: 3);
        using var ema = new EMAHook(0.9, EmaDecay.Warmup);
        var initial = TrainingFixture.Snapshot(model);
        // The weights right after each optimizer step, before the EMA (ABOVE_NORMAL) reads them.
        var stepped = new List<Dictionary<string, float[]>>();
        var validatedWith = new List<Dictionary<string, float[]>>();
        var hooks = new Hook[]
        {
            ema,
            new ActionHook(afterIter: (t, o) => { if (o.OptimizerStepped) { stepped.Add(TrainingFixture.Snapshot(t.Model)); } }, priority: HookPriority.Highest),
            new ValidationProbe(validatedWith),
        };
        fixture.Builder(model, train, val)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.5))
            .WithEvaluator(new LossEvaluator())
            .WithHooks(hooks)
            .WithOptions(o =>
            {
                o.MaxEpochs = 1;
                o.AccumulateGradBatches = 2;
            })
            .Fit();

        // 4 batches in windows of 2: two updates, with warm-up decays 0.1 and 2/11.
        Assert.Equal(2, ema.Updates);
        Assert.Equal(2, stepped.Count);
        var averages = ema.Averages;
        foreach (var (key, start) in initial)
        {
            var expected = start.Select(v => (double)v).ToArray();
            for (var k = 0; k < stepped.Count; k++)
            {
                var d = ema.Decay(k);
                expected = expected.Zip(stepped[k][key], (e, p) => d * e + (1 - d) * p).ToArray();
            }
            Numerics.AssertClose(expected, averages[key].data<float>().Select(v => (double)v).ToArray(), 1e-6, $"EMA of {key}");
            // Validation ran on the averages, and the trained weights were swapped back afterwards.
            Numerics.AssertClose(expected, validatedWith.Single()[key].Select(v => (double)v).ToArray(), 1e-6, $"validated {key}");
            TrainingFixture.AssertBitwiseEqual(new() { [key] = stepped[^1][key] }, new() { [key] = TrainingFixture.Snapshot(model)[key] }, "trained weights after validation");
        }
    }

    private sealed class ValidationProbe(List<Dictionary<string, float[]>> seen) : Hook(HookPriority.Normal)
    {
        public override void BeforeValEpoch(Vision.Engine.Training.Trainer trainer) => seen.Add(TrainingFixture.Snapshot(trainer.Model));
    }
}
