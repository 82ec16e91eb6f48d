using Microsoft.Extensions.DependencyInjection;
using Vision.Engine.Checkpoints;
using Vision.Engine.Hooks;
using Vision.Engine.Optim;
using Vision.Engine.Tests.Training;

namespace Vision.Engine.Tests.Hooks;

/// <summary>A hook of a default type replaces the default one (the trainer runs one of each); hooks can be removed.</summary>
[Collection(TrainerCollection.Name)]
public sealed class HookReplacementTests : IDisposable
{
    private readonly TrainingFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    [Fact]
    public void AConfiguredCheckpointHookReplacesTheDefaultOneInsteadOfSavingBeside()
    {
        using var data = TrainingFixture.Quadrants(8, seed: 1);
        using var loader = TrainingFixture.Loader(data, 4);
        using var model = TrainingFixture.Linear(seed: 1);
        var every2 = new CheckpointHook(new CheckpointOptions { Interval = 2, SaveLast = false });
        using var trainer = fixture.Builder(model, loader)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.1))
            .AddHook(every2)
            .WithOptions(o => o.MaxEpochs = 3)
            .Build();

        Assert.Same(every2, Assert.Single(trainer.Hooks.OfType<CheckpointHook>()));
        trainer.Fit();
        // The default hook (interval 1, save_last) would have added epoch_1 and epoch_3.
        Assert.Equal(["epoch_2"], new FileCheckpointStore(fixture.CheckpointDir).List());
    }

    [Fact]
    public void BuilderRemovesHooksAndKeepsSeveralCustomHooksOfOneType()
    {
        using var data = TrainingFixture.Quadrants(8, seed: 1);
        using var loader = TrainingFixture.Loader(data, 4);
        using var model = TrainingFixture.Linear(seed: 1);
        var log = new List<string>();
        using var trainer = fixture.Builder(model, loader)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.1))
            .RemoveHooks<ProgressBarHook>()
            .AddHook(new RecordingHook("a", log))
            .AddHook(new RecordingHook("b", log))
            .WithOptions(o => o.MaxEpochs = 1)
            .Build();

        Assert.DoesNotContain(trainer.Hooks, h => h is ProgressBarHook);
        Assert.Equal(2, trainer.Hooks.OfType<RecordingHook>().Count());
        Assert.Single(trainer.Hooks.OfType<LoggerHook>());
    }

    [Fact]
    public void ContainerRouteReplacesADefaultHookCreatedByTheContainer()
    {
        var services = new ServiceCollection().AddVisionTrainer();
        services.AddHook<IterTimerHook>().AddHook(new IterTimerHook());

        var hooks = services.Where(d => d.ServiceType == typeof(Hook)).ToList();
        Assert.Single(hooks, d => d.ImplementationInstance is IterTimerHook);
        Assert.DoesNotContain(hooks, d => d.ImplementationType == typeof(IterTimerHook));
        Assert.Equal(VisionTrainerServiceCollectionExtensions.DefaultHookTypes.Count, hooks.Count);
    }
}
