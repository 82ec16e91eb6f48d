using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spectre.Console;
using Vision.Engine.Evaluation;
using Vision.Engine.Hooks;
using Vision.Engine.Optim;
using Vision.Engine.Tests.Training;

namespace Vision.Engine.Tests.Hooks;

[Collection(TrainerCollection.Name)]
public sealed class DefaultHooksTests : IDisposable
{
    private readonly TrainingFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void DistSamplerSeedHookSetsTheSamplerEpochEachEpoch(bool withHook)
    {
        using var data = TrainingFixture.Quadrants(8, seed: 1);
        using var loader = TrainingFixture.Loader(data, 4, shuffle: true);
        using var model = TrainingFixture.Linear(seed: 1);
        var epochs = new List<int>();
        using var trainer = fixture.Builder(model, loader)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.1))
            .WithHooks(new ActionHook(beforeIter: (t, i) => { if (i == 0) { epochs.Add(t.TrainDataLoader.Sampler.Epoch); } }))
            .WithServices(s => { if (!withHook) { s.RemoveHooks<DistSamplerSeedHook>(); } })
            .WithOptions(o => o.MaxEpochs = 3)
            .Build();
        Assert.Equal(withHook, trainer.Hooks.Any(h => h is DistSamplerSeedHook));
        trainer.Fit();
        // Without the hook every epoch replays the sampler's epoch 0 order, as PyTorch without set_epoch.
        Assert.Equal(withHook ? [0, 1, 2] : [0, 0, 0], epochs);
    }

    [Fact]
    public void TestPassesRunTheTestHooksAndReportTheEvaluatorsMetrics()
    {
        using var trainData = TrainingFixture.Quadrants(8, seed: 1);
        using var valData = TrainingFixture.Quadrants(8, seed: 2);
        using var train = TrainingFixture.Loader(trainData, 4);
        using var val = TrainingFixture.Loader(valData, 4);
        using var model = TrainingFixture.Linear(seed: 1);
        var log = new List<string>();
        using var trainer = fixture.Builder(model, train, val)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.1))
            .WithEvaluator(new LossEvaluator())
            .WithHooks(new RecordingHook("h", log))
            .WithOptions(o => o.MaxEpochs = 1)
            .Build();

        var test = trainer.Test(val);
        Assert.Equal(["h:BeforeTest", "h:BeforeTestEpoch", "h:BeforeTestIter0", "h:AfterTestIter0", "h:BeforeTestIter1", "h:AfterTestIter1",
            "h:AfterTestEpoch", "h:AfterTest"], log);
        // The same data through validation gives the same loss; only validation sets the trainer's last metrics.
        Assert.Empty(trainer.LastMetrics);
        Assert.Equal(test.Metrics["loss"], trainer.Validate()["loss"]);
        Assert.Equal(test.Metrics["loss"], trainer.LastMetrics["loss"]);
        Assert.True(model.training);
        // The test pass leaves its report in the work dir, with the same numbers.
        using var written = JsonDocument.Parse(File.ReadAllText(Path.Combine(trainer.TestReportDir, EvaluationReport.JsonFileName)));
        Assert.Equal(test.Metrics["loss"], written.RootElement.GetProperty("metrics").GetProperty("loss").GetDouble());
        Assert.True(File.Exists(Path.Combine(trainer.TestReportDir, EvaluationReport.MarkdownFileName)));
    }

    [Fact]
    public void TheProgressBarDrawsLossLearningRateAndThroughputOnAnInteractiveConsole()
    {
        using var data = TrainingFixture.Quadrants(16, seed: 1);
        using var loader = TrainingFixture.Loader(data, 4);
        using var model = TrainingFixture.Linear(seed: 1);
        var screen = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(screen),
        });
        fixture.Builder(model, loader)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.1))
            .WithServices(s => s.Replace(ServiceDescriptor.Singleton(console)))
            .WithOptions(o =>
            {
                o.MaxEpochs = 2;
                o.ProgressBar = true;
            })
            .Fit();
        var text = screen.ToString();
        Assert.Contains("epoch 2/2  loss ", text);
        Assert.Contains("  lr 1.000e-01  ", text);
        Assert.Contains(" img/s", text);
        Assert.Contains("100%", text);
    }
}
