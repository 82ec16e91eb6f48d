using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Vision.Data.BatchAugments;
using Vision.Data.Loading;
using Vision.Engine.Distributed;
using Vision.Engine.Evaluation;
using Vision.Engine.Hooks;
using Vision.Engine.Optim;
using Vision.Engine.Schedulers;
using Vision.Engine.Steps;
using Vision.nn;

namespace Vision.Engine.Training;

/// <summary>
/// The fluent way to set up a <see cref="Trainer"/>: a thin layer over the same service container that
/// <c>services.AddVisionTrainer()</c> configures, so every component can also be replaced through <see cref="Services"/>
/// or <see cref="WithServices"/>. <see cref="Build"/> validates everything before any training.
/// </summary>
public sealed class TrainerBuilder
{
    private TrainerOptions options = new();

    // Without a training loader the trainer only evaluates (Trainer.CreateForEvaluation).
    internal TrainerBuilder(Module<Tensor, Tensor> model, DataLoader? trainDataLoader, DataLoader? valDataLoader)
    {
        ArgumentNullException.ThrowIfNull(model);
        Services.AddVisionTrainer();
        Services.AddTrainingModel(model);
        if (trainDataLoader is not null)
        {
            Services.AddTrainingData(trainDataLoader, valDataLoader);
        }
    }

    /// <summary>The service collection the trainer is built from; add or replace services here.</summary>
    public IServiceCollection Services { get; } = new ServiceCollection();

    /// <summary>Uses an optimizer created from the model, e.g. <c>m =&gt; new SGD(m.parameters(), lr: 0.1)</c>; the trainer owns it.</summary>
    public TrainerBuilder WithOptimizer(Func<Module<Tensor, Tensor>, Optimizer> factory)
    {
        Services.AddOptimizer(factory);
        return this;
    }

    /// <summary>Uses an optimizer made beforehand; it stays the caller's to dispose.</summary>
    public TrainerBuilder WithOptimizer(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Services.AddOptimizer(optimizer);
        return this;
    }

    /// <summary>Adds parameter schedulers, stepped in the given order by the <see cref="ParamSchedulerHook"/>.</summary>
    public TrainerBuilder WithSchedule(params Func<SchedulerContext, ParamScheduler>[] schedulers)
    {
        ArgumentNullException.ThrowIfNull(schedulers);
        foreach (var scheduler in schedulers)
        {
            Services.AddParamScheduler(scheduler);
        }
        return this;
    }

    /// <summary>
    /// Adds hooks, run with the default ones by priority (<see cref="AddHook(Hook)"/> for each: a hook of a default type,
    /// e.g. a <see cref="CheckpointHook"/>, replaces the default one).
    /// </summary>
    public TrainerBuilder WithHooks(params Hook[] hooks)
    {
        ArgumentNullException.ThrowIfNull(hooks);
        foreach (var hook in hooks)
        {
            AddHook(hook);
        }
        return this;
    }

    /// <summary>
    /// Adds a hook (the caller keeps it); one of a default type (<see cref="VisionTrainerServiceCollectionExtensions.DefaultHookTypes"/>,
    /// e.g. a differently configured <see cref="CheckpointHook"/>) replaces the default one instead of running beside it.
    /// </summary>
    public TrainerBuilder AddHook(Hook hook)
    {
        Services.AddHook(hook);
        return this;
    }

    /// <summary>Adds a hook created by the container (its constructor's parameters are resolved as services); a default type replaces the default one.</summary>
    public TrainerBuilder AddHook<THook>() where THook : Hook
    {
        Services.AddHook<THook>();
        return this;
    }

    /// <summary>Removes the hooks of type <typeparamref name="THook"/>, e.g. <c>RemoveHooks&lt;ProgressBarHook&gt;()</c> for a quiet run.</summary>
    public TrainerBuilder RemoveHooks<THook>() where THook : Hook
    {
        Services.RemoveHooks<THook>();
        return this;
    }

    /// <summary>Adds evaluators for validation and test passes.</summary>
    public TrainerBuilder WithEvaluator(params IEvaluator[] evaluators)
    {
        ArgumentNullException.ThrowIfNull(evaluators);
        foreach (var evaluator in evaluators)
        {
            Services.AddEvaluator(evaluator);
        }
        return this;
    }

    /// <summary>Replaces the loss (by default an <see cref="Vision.Models.ImageClassifier"/>'s own <c>loss_module</c>, cross-entropy for other models).</summary>
    public TrainerBuilder WithLoss(LossFunction loss)
    {
        Services.AddTrainingLoss(loss);
        return this;
    }

    /// <summary>Replaces the training step (by default <see cref="ClassifierTrainStep"/>), e.g. for a distillation loss.</summary>
    public TrainerBuilder WithTrainStep(ITrainStep step)
    {
        Services.AddTrainStep(step);
        return this;
    }

    /// <summary>Mixes training batches (Mixup, CutMix, …) into soft targets.</summary>
    public TrainerBuilder WithBatchAugment(IBatchAugment augment)
    {
        Services.AddBatchAugment(augment);
        return this;
    }

    /// <summary>Uses <paramref name="trainerOptions"/> as the options (later <see cref="WithOptions"/> calls change it).</summary>
    public TrainerBuilder Configure(TrainerOptions trainerOptions)
    {
        ArgumentNullException.ThrowIfNull(trainerOptions);
        options = trainerOptions;
        return this;
    }

    /// <summary>Changes the options, e.g. <c>o =&gt; { o.MaxEpochs = 10; o.Amp.Enabled = true; }</c>.</summary>
    public TrainerBuilder WithOptions(Action<TrainerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(options);
        return this;
    }

    /// <summary>Sets the work folder for checkpoints and logs.</summary>
    public TrainerBuilder WithWorkDir(string workDir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workDir);
        options.WorkDir = workDir;
        return this;
    }

    /// <summary>
    /// Sets how the trainer runs across processes: <c>new DistributedOptions { Launcher = "pytorch", SyncBatchNorm = true }</c>
    /// to require the torchrun environment, <c>Launcher = "none"</c> to train alone whatever it says. Without this call,
    /// a process started as one of several ranks (<c>vision launch</c>, torchrun, srun) trains data-parallel.
    /// </summary>
    public TrainerBuilder WithDistributed(DistributedOptions distributed)
    {
        ArgumentNullException.ThrowIfNull(distributed);
        Services.RemoveAll<DistributedOptions>();
        Services.AddSingleton(distributed);
        return this;
    }

    /// <summary>Changes the services directly, e.g. to replace the checkpoint store or add a scalar writer.</summary>
    public TrainerBuilder WithServices(Action<IServiceCollection> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Services);
        return this;
    }

    /// <summary>
    /// Builds the container and the trainer, validating the options and the composition first: every invalid value
    /// is reported in one <see cref="OptionsValidationException"/>. Dispose the trainer to free what it created.
    /// </summary>
    public Trainer Build()
    {
        Services.AddSingleton<IOptions<TrainerOptions>>(Options.Create(options));
        var provider = Services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        try
        {
            return new Trainer(provider, provider);
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    /// <summary>Builds the trainer, trains, and disposes the trainer (the model stays the caller's); returns the outcome.</summary>
    public FitResult Fit(CancellationToken cancellationToken = default)
    {
        using var trainer = Build();
        return trainer.Fit(cancellationToken);
    }
}
