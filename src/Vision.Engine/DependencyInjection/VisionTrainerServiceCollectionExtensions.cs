using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Vision;
using Vision.Data.BatchAugments;
using Vision.Data.Loading;
using Vision.Engine.Checkpoints;
using Vision.Engine.Configuration;
using Vision.Engine.Distributed;
using Vision.Engine.Evaluation;
using Vision.Engine.Hooks;
using Vision.Engine.Logging;
using Vision.Engine.Optim;
using Vision.Engine.Schedulers;
using Vision.Engine.Steps;
using Vision.Engine.Training;
using Vision.Engine.Visualization;
using Vision.Models;
using Vision.nn;
using F = Vision.nn.functional;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers the Vision trainer and its components in a service container, ASP.NET Core style. The defaults (all
/// replaceable) are MMEngine's default hooks, JSON-lines/CSV/TensorBoard scalar writers, a folder-based checkpoint
/// store under <c>{work_dir}/checkpoints</c>, a single-process distributed context, the loss (an
/// <see cref="ImageClassifier"/>'s own <see cref="ImageClassifier.loss_module"/>, cross-entropy for other models) and the
/// <see cref="DataPreprocessor"/>.
/// <code>
/// services.AddVisionTrainer(configuration.GetSection(TrainerOptions.SectionName))
///         .AddTrainingModel(model)
///         .AddTrainingData(trainLoader, valLoader)
///         .AddOptimizer(m => new AdamW(m.parameters(), lr: 1e-3))
///         .AddParamScheduler(c => new CosineAnnealingLR(c.Optimizer, T_max: 100))
///         .AddHook(new EMAHook(0.9998, EmaDecay.Warmup))
///         .AddEvaluator&lt;LossEvaluator&gt;();
/// using var provider = services.BuildServiceProvider();
/// var result = provider.GetRequiredService&lt;Trainer&gt;().Fit();
/// </code>
/// </summary>
public static class VisionTrainerServiceCollectionExtensions
{
    /// <summary>Registers the trainer, its options (validated by <see cref="TrainerOptionsValidator"/>) and the default components.</summary>
    public static IServiceCollection AddVisionTrainer(this IServiceCollection services, Action<TrainerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<TrainerOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TrainerOptions>, TrainerOptionsValidator>());
        // One process, or a rank of the c10d group the torchrun environment (or DistributedOptions) describes.
        services.TryAddSingleton(sp => DistributedLauncher.CreateContext(sp.GetService<DistributedOptions>() ?? new DistributedOptions()));
        services.TryAddSingleton(_ => AnsiConsole.Console);
        services.TryAddSingleton<ILogger<Trainer>>(sp =>
        {
            ILogger<Trainer> log = sp.GetService<ILoggerFactory>()?.CreateLogger<Trainer>() ?? new AnsiConsoleLogger<Trainer>(sp.GetRequiredService<IAnsiConsole>());
            // The main process also keeps the log as a text file in the work dir, as MMEngine does.
            return sp.GetRequiredService<IDistributedContext>().IsMainProcess
                ? new LogFileLogger<Trainer>(log, LogFileLogger<Trainer>.PathFor(TrainerOptionsOf(sp).WorkDir, DateTime.Now))
                : log;
        });
        services.TryAddSingleton<ICheckpointStore>(sp => new FileCheckpointStore(Path.Combine(TrainerOptionsOf(sp).WorkDir, "checkpoints")));
        // An ImageClassifier carries its loss (label smoothing, class weights, soft targets), as in MMPreTrain.
        services.TryAddSingleton<LossFunction>(sp => sp.GetService<Module<Tensor, Tensor>>() is ImageClassifier classifier
            ? classifier.loss_module.forward
            : (logits, targets) => F.cross_entropy(logits, targets));
        services.TryAddSingleton<IDataPreprocessor>(sp =>
        {
            var o = TrainerOptionsOf(sp);
            return new DataPreprocessor(Device.Parse(o.Device), o.DataPreprocessor, o.ChannelsLast, sp.GetService<IBatchAugment>());
        });
        services.TryAddSingleton<ITrainStep, ClassifierTrainStep>();
        // MMEngine's default hooks; among equal priorities, registration order is run order.
        foreach (var hook in DefaultHooks)
        {
            services.TryAddEnumerable(hook);
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IScalarWriter, JsonLinesScalarWriter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IScalarWriter, CsvScalarWriter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IScalarWriter, TensorBoardScalarWriter>());
        services.TryAddSingleton(sp => new Trainer(sp, ownedServices: null));
        return services;
    }

    /// <summary>
    /// Registers the trainer as <see cref="AddVisionTrainer(IServiceCollection, Action{TrainerOptions})"/> with options
    /// bound from <paramref name="configuration"/> (snake_case keys) by <see cref="OptionsBinder"/>: unknown keys throw a
    /// <see cref="ConfigException"/> naming each when the trainer is resolved.
    /// </summary>
    public static IServiceCollection AddVisionTrainer(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddVisionTrainer();
        // The binder of config files: unknown keys are errors here too, all reported together with their paths.
        services.AddOptions<TrainerOptions>().Configure(options => OptionsBinder.Bind(configuration, options));
        return services;
    }

    /// <summary>Sets the model to train (it stays the caller's: the container does not dispose it).</summary>
    public static IServiceCollection AddTrainingModel(this IServiceCollection services, Module<Tensor, Tensor> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return services.Replace(ServiceDescriptor.Singleton(model));
    }

    /// <summary>Sets the training loader and, optionally, the validation loader (keyed <see cref="Trainer.TrainLoaderKey"/> and <see cref="Trainer.ValLoaderKey"/>; the caller keeps them).</summary>
    public static IServiceCollection AddTrainingData(this IServiceCollection services, DataLoader trainDataLoader, DataLoader? valDataLoader = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(trainDataLoader);
        services.RemoveAllKeyed<DataLoader>(Trainer.TrainLoaderKey);
        services.RemoveAllKeyed<DataLoader>(Trainer.ValLoaderKey);
        services.AddKeyedSingleton(Trainer.TrainLoaderKey, trainDataLoader);
        if (valDataLoader is not null)
        {
            services.AddKeyedSingleton(Trainer.ValLoaderKey, valDataLoader);
        }
        return services;
    }

    /// <summary>Sets the optimizer, created from the model when the trainer is built (the container disposes it).</summary>
    public static IServiceCollection AddOptimizer(this IServiceCollection services, Func<Module<Tensor, Tensor>, Optimizer> factory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(factory);
        services.RemoveAll<Optimizer>();
        return services.AddSingleton(sp => factory(sp.GetRequiredService<Module<Tensor, Tensor>>()));
    }

    /// <summary>Sets an optimizer made beforehand (it stays the caller's: the container does not dispose instances).</summary>
    public static IServiceCollection AddOptimizer(this IServiceCollection services, Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(optimizer);
        services.RemoveAll<Optimizer>();
        return services.AddSingleton(optimizer);
    }

    /// <summary>Adds a parameter scheduler, created with the optimizer when the trainer is built; schedulers step in registration order.</summary>
    public static IServiceCollection AddParamScheduler(this IServiceCollection services, Func<SchedulerContext, ParamScheduler> factory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(factory);
        return services.AddSingleton(factory);
    }

    /// <summary>
    /// Adds a hook created by the container (its constructor's parameters are resolved as services). A hook of a default
    /// type (<see cref="DefaultHookTypes"/>, e.g. a <see cref="CheckpointHook"/>) replaces the default one: the
    /// trainer runs one of each.
    /// </summary>
    public static IServiceCollection AddHook<THook>(this IServiceCollection services) where THook : Hook
    {
        ArgumentNullException.ThrowIfNull(services);
        RemoveDefaultHookOf(services, typeof(THook));
        return services.AddSingleton<Hook, THook>();
    }

    /// <summary>
    /// Adds a hook instance (the caller keeps it). A hook of a default type (<see cref="DefaultHookTypes"/>, e.g. a
    /// differently configured <see cref="CheckpointHook"/>) replaces the default one: the trainer runs one of each.
    /// </summary>
    public static IServiceCollection AddHook(this IServiceCollection services, Hook hook)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(hook);
        RemoveDefaultHookOf(services, hook.GetType());
        return services.AddSingleton(hook);
    }

    /// <summary>Removes the hooks of type <typeparamref name="THook"/> (and its subclasses), e.g. a default one the run should not have.</summary>
    public static IServiceCollection RemoveHooks<THook>(this IServiceCollection services) where THook : Hook
    {
        ArgumentNullException.ThrowIfNull(services);
        RemoveHooks(services, typeof(THook));
        return services;
    }

    // The one list of default hooks: AddVisionTrainer registers these and DefaultHookTypes names them. The container
    // builds each from its constructor (optional arguments keep their defaults).
    private static readonly ServiceDescriptor[] DefaultHooks =
    [
        ServiceDescriptor.Singleton<Hook, DistSamplerSeedHook>(),
        ServiceDescriptor.Singleton<Hook, IterTimerHook>(),
        ServiceDescriptor.Singleton<Hook, CheckInvalidLossHook>(),
        ServiceDescriptor.Singleton<Hook, LoggerHook>(),
        ServiceDescriptor.Singleton<Hook, ProgressBarHook>(),
        ServiceDescriptor.Singleton<Hook, ParamSchedulerHook>(),
        ServiceDescriptor.Singleton<Hook, CheckpointHook>(),
        ServiceDescriptor.Singleton<Hook, TrainingCurvesHook>(),
    ];

    /// <summary>
    /// The hooks <see cref="AddVisionTrainer(IServiceCollection, Action{TrainerOptions})"/> registers, MMEngine's
    /// default hooks. A trainer runs one of each: adding another hook of one of these types (or a subclass) replaces it.
    /// </summary>
    public static IReadOnlyList<Type> DefaultHookTypes { get; } = DefaultHooks.Select(d => d.ImplementationType!).ToArray();

    /// <summary>Adds an evaluator created by the container.</summary>
    public static IServiceCollection AddEvaluator<TEvaluator>(this IServiceCollection services) where TEvaluator : class, IEvaluator =>
        services.AddSingleton<IEvaluator, TEvaluator>();

    /// <summary>Adds an evaluator instance.</summary>
    public static IServiceCollection AddEvaluator(this IServiceCollection services, IEvaluator evaluator)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        return services.AddSingleton(evaluator);
    }

    /// <summary>Adds a scalar writer created by the container.</summary>
    public static IServiceCollection AddScalarWriter<TWriter>(this IServiceCollection services) where TWriter : class, IScalarWriter
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IScalarWriter, TWriter>());
        return services;
    }

    /// <summary>Replaces the loss.</summary>
    public static IServiceCollection AddTrainingLoss(this IServiceCollection services, LossFunction loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return services.Replace(ServiceDescriptor.Singleton(loss));
    }

    /// <summary>Replaces the training step (by default <see cref="ClassifierTrainStep"/>), e.g. for a distillation loss.</summary>
    public static IServiceCollection AddTrainStep(this IServiceCollection services, ITrainStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return services.Replace(ServiceDescriptor.Singleton(step));
    }

    /// <summary>Sets the batch augment the default <see cref="DataPreprocessor"/> applies to training batches.</summary>
    public static IServiceCollection AddBatchAugment(this IServiceCollection services, IBatchAugment augment)
    {
        ArgumentNullException.ThrowIfNull(augment);
        return services.Replace(ServiceDescriptor.Singleton(augment));
    }

    private static void RemoveDefaultHookOf(IServiceCollection services, Type hookType)
    {
        if (DefaultHookTypes.FirstOrDefault(d => d.IsAssignableFrom(hookType)) is { } defaultType)
        {
            RemoveHooks(services, defaultType);
        }
    }

    private static void RemoveHooks(IServiceCollection services, Type hookType)
    {
        foreach (var descriptor in services.Where(d => d.ServiceType == typeof(Hook) && !d.IsKeyedService && ImplementationOf(d) is { } type && hookType.IsAssignableFrom(type)).ToList())
        {
            services.Remove(descriptor);
        }
    }

    private static TrainerOptions TrainerOptionsOf(IServiceProvider services) => services.GetRequiredService<IOptions<TrainerOptions>>().Value;

    // A factory's implementation type is the return type of its Func, as the container itself reads it.
    private static Type? ImplementationOf(ServiceDescriptor descriptor) =>
        descriptor.ImplementationType ?? descriptor.ImplementationInstance?.GetType() ?? descriptor.ImplementationFactory?.GetType().GenericTypeArguments[^1];
}
