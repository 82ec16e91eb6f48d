using Microsoft.Extensions.Configuration;
using Vision.Data;
using Vision.Data.BatchAugments;
using Vision.Data.Loading;
using Vision.Engine.Distributed;
using Vision.Engine.Evaluation;
using Vision.Engine.Hooks;
using Vision.Engine.Optim;
using Vision.Engine.Schedulers;
using Vision.Engine.Training;
using Vision.Models;
using Vision.Models.Registry;

namespace Vision.Engine.Configuration;

/// <summary>
/// A whole run built from one <see cref="Configuration.Config"/> (MMEngine's <c>Runner.from_cfg</c>): the model by
/// registry name, the data loaders with their pipelines, the optimizer with its parameter-group rules, the parameter
/// schedulers, batch augment, evaluators, extra hooks and the trainer options. It owns the model, datasets and
/// loaders it made. The sections, in MMPreTrain's names:
/// <code>
/// {
///   "model": { "type": "resnet18", "num_classes": 10, "img_size": 32, "drop_path_rate": 0.1,
///              "loss": { "type": "CrossEntropyLoss", "label_smoothing": 0.1 },
///              "overrides": { "in_channels": 1 }, "pretrained": "resnet18.safetensors" },
///   "train_dataloader": { "batch_size": 64, "num_workers": 2, "shuffle": true,
///                         "dataset": { "type": "ImageFolder", "root": "data/train" },
///                         "pipeline": [ { "type": "RandomResizedCrop", "size": 224 }, { "type": "RandomFlip" } ] },
///   "val_dataloader": { … }, "test_dataloader": { … },
///   "optim_wrapper": { "optimizer": { "type": "AdamW", "lr": 0.001, "weight_decay": 0.05 },
///                      "paramwise_cfg": { "norm_decay_mult": 0, "custom_keys": { ".cls_token": { "decay_mult": 0 } } } },
///   "auto_scale_lr": { "base_batch_size": 256 },
///   "param_scheduler": [ { "type": "LinearLR", "start_factor": 0.001, "end": 5, "convert_to_iter_based": true },
///                        { "type": "CosineAnnealingLR", "begin": 5, "end": 100 } ],
///   "batch_augment": { "type": "Mixup", "mixup_alpha": 0.8, "cutmix_alpha": 1.0 },
///   "val_evaluator": [ { "type": "Accuracy", "topk": [1, 5] }, { "type": "SingleLabelMetric" } ],
///   "custom_hooks": [ { "type": "EMAHook", "decay": 0.9999 } ],
///   "trainer": { "max_epochs": 100, "work_dir": "work_dirs/run", "clip_grad": { "max_norm": 1.0 } }
/// }
/// </code>
/// Components are created by <see cref="ComponentBuilder"/> from the <see cref="Registries"/>: keys are constructor
/// parameters, and the optimizer, the class count (<c>num_classes</c>) and, for <c>convert_to_iter_based</c>
/// schedulers, the epoch length are filled in. <c>model.num_classes</c> defaults to the training set's class count.
/// The test pass uses <c>val_evaluator</c> on <c>test_dataloader</c> (or the validation loader when there is none).
/// </summary>
public sealed class Experiment : IDisposable
{
    private readonly List<IDisposable> owned = [];
    private readonly Dictionary<string, IReadOnlyList<ITransform>> pipelines = [];

    private Experiment(Config config, string? workDir)
    {
        Config = config;
        try
        {
            // Each section is built even when another failed, so one run reports every mistake.
            var errors = new ConfigErrorCollector();
            CheckSections(errors);
            var train = errors.Try(() => OptionalLoader("train_dataloader"));
            ValDataLoader = errors.Try(() => OptionalLoader("val_dataloader"));
            TestDataLoader = errors.Try(() => OptionalLoader("test_dataloader"));
            var loader = train ?? TestDataLoader ?? ValDataLoader;
            if (loader is null && !errors.HasErrors)
            {
                errors.Add(new ConfigException("train_dataloader", "the configuration has no train_dataloader (nor a test_dataloader or val_dataloader to test with)."));
            }
            Options = errors.Try(() => BindTrainerOptions(workDir))!;
            var model = errors.Try(() => ModelSection.Bind(Config));
            // Components made later, with the trainer, are checked now too: every mistake is reported in this one run.
            CheckComponents(errors);
            errors.ThrowIfAny();
            TrainDataLoader = loader!;
            Classes = loader!.Dataset.Classes;
            // trainer.seed makes a run reproducible from its first iteration only if it also decides the initial weights
            // (libtorch seeds its generator at random in each process).
            if (Options.Seed is { } seed)
            {
                torch.manual_seed((ulong)seed);
            }
            // The model's class count defaults to the training set's, so it is built once the data are.
            var evaluation = pipelines.GetValueOrDefault("val_dataloader") ?? pipelines.GetValueOrDefault("test_dataloader") ?? [];
            Model = model!.Build(Config.GetSection(ModelSection.Name), Classes, evaluation);
            var loaders = new Dictionary<string, DataLoader?> { ["train_dataloader"] = train, ["val_dataloader"] = ValDataLoader, ["test_dataloader"] = TestDataLoader }
                .Where(l => l.Value is not null).ToDictionary(l => l.Key, l => l.Value!);
            ExperimentChecks.Run(Config, Model.num_classes, loaders, Options, errors);
            errors.ThrowIfAny();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// The top-level sections a configuration may have: those a run reads, plus <c>evolve</c> (read by
    /// <c>vision evolve</c>) and MMEngine's distributed keys (<c>launcher</c>, <c>sync_bn</c>, <c>model_wrapper_cfg</c>,
    /// <c>env_cfg</c>; see <see cref="Distributed.DistributedOptions.FromConfig"/>). Any other section is a misspelling
    /// that would otherwise be ignored silently, so it is an error.
    /// </summary>
    public static IReadOnlyList<string> Sections { get; } =
    [
        ModelSection.Name, "train_dataloader", "val_dataloader", "test_dataloader", "optim_wrapper", "auto_scale_lr",
        "param_scheduler", "batch_augment", "val_evaluator", "custom_hooks", TrainerOptions.SectionName, "evolve",
        "launcher", "sync_bn", "model_wrapper_cfg", "env_cfg",
    ];

    /// <summary>The configuration the run was built from.</summary>
    public Config Config { get; }

    /// <summary>The model (an <see cref="ImageClassifier"/> from the registry; it trains with its own loss).</summary>
    public ImageClassifier Model { get; }

    /// <summary>The training batches (the test or validation loader when the configuration only tests).</summary>
    public DataLoader TrainDataLoader { get; }

    /// <summary>The validation batches, if configured.</summary>
    public DataLoader? ValDataLoader { get; }

    /// <summary>The test batches, if configured.</summary>
    public DataLoader? TestDataLoader { get; }

    /// <summary>The class names of the training set, by label.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>The trainer options from the <c>trainer</c> section (work dir overridden when one was passed).</summary>
    public TrainerOptions Options { get; }

    /// <summary>Builds the run described by <paramref name="config"/>.</summary>
    /// <param name="config">The merged configuration.</param>
    /// <param name="workDir">Overrides <c>trainer.work_dir</c>; when neither is given, <c>work_dirs/{config file name}</c> as in MMPreTrain.</param>
    /// <exception cref="ConfigException">A setting is unknown, missing or invalid (the message starts with its path).</exception>
    public static Experiment FromConfig(Config config, string? workDir = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new Experiment(config, workDir);
    }

    /// <summary>
    /// A trainer builder with everything the configuration describes; add to it (hooks, services) before
    /// <see cref="TrainerBuilder.Build"/>. Options are validated when it is built.
    /// </summary>
    /// <exception cref="ConfigException">Every mistake of the optimizer, batch augment, evaluator and hook sections, together.</exception>
    public TrainerBuilder CreateTrainer()
    {
        var builder = Trainer.Create(Model, TrainDataLoader, ValDataLoader).Configure(Options);
        var errors = new ConfigErrorCollector();
        errors.Try(() => builder.WithDistributed(DistributedOptions.FromConfig(Config)));
        var optimizer = Section("optim_wrapper:optimizer");
        if (ComponentBuilder.IsEmpty(optimizer))
        {
            errors.Add(new ConfigException(optimizer.Path, "the configuration needs an optimizer, e.g. { \"type\": \"SGD\", \"lr\": 0.1, \"momentum\": 0.9 }."));
        }
        builder.WithOptimizer(BuildOptimizer);
        foreach (var scheduler in ComponentBuilder.Items(Section("param_scheduler")))
        {
            builder.WithSchedule(context => BuildScheduler(scheduler, context));
        }
        if (Section("batch_augment") is var augment && !ComponentBuilder.IsEmpty(augment))
        {
            errors.Try(() => builder.WithBatchAugment(Own(ComponentBuilder.Build<IBatchAugment>(augment, Registries.BatchAugments, ClassCount))));
        }
        AddEvaluatorsAndHooks(builder, errors);
        errors.ThrowIfAny();
        return builder;
    }

    /// <summary>
    /// Trains as configured, after saving the merged configuration as <c>config.json</c> in the work dir, so the run
    /// can be repeated from its outputs alone.
    /// </summary>
    /// <param name="configure">Changes to the trainer beyond the configuration (extra hooks, another console), or null.</param>
    /// <param name="cancellationToken">Stops training after the current step, writing a checkpoint.</param>
    public FitResult Fit(Action<TrainerBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        using var trainer = Build(configure);
        if (trainer.Distributed.IsMainProcess)
        {
            Config.Save(Path.Combine(trainer.WorkDir, "config.json"));
        }
        return trainer.Fit(cancellationToken);
    }

    /// <summary>
    /// Tests the weights of <paramref name="checkpoint"/> (a checkpoint folder or a <c>.safetensors</c> state dict) on
    /// the test loader (the validation loader when there is none) and writes the report into
    /// <c>{work_dir}/test</c>. The configuration needs no <c>optim_wrapper</c>, <c>train_dataloader</c> or run length.
    /// </summary>
    /// <param name="checkpoint">The weights to test.</param>
    /// <param name="configure">Changes to the trainer beyond the configuration, or null.</param>
    /// <exception cref="ConfigException">There is neither a test nor a validation loader.</exception>
    public EvaluationReport Test(string checkpoint, Action<TrainerBuilder>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpoint);
        var loader = TestDataLoader ?? ValDataLoader
            ?? throw new ConfigException("test_dataloader", "testing needs a test_dataloader (or a val_dataloader).");
        // A test needs neither the optimizer nor the training loader: the trainer is built for evaluation only.
        var builder = Trainer.CreateForEvaluation(Model).Configure(Options);
        var errors = new ConfigErrorCollector();
        errors.Try(() => builder.WithDistributed(DistributedOptions.FromConfig(Config)));
        AddEvaluatorsAndHooks(builder, errors);
        errors.ThrowIfAny();
        configure?.Invoke(builder);
        using var trainer = builder.Build();
        trainer.ConfigOrigin = Config.Origin;
        trainer.LoadCheckpoint(checkpoint);
        return trainer.Test(loader, loader.Dataset.Classes);
    }

    private BuildArguments ClassCount => new([], new Dictionary<string, object> { ["num_classes"] = Model.num_classes });

    private void AddEvaluatorsAndHooks(TrainerBuilder builder, ConfigErrorCollector errors)
    {
        foreach (var evaluator in ComponentBuilder.Items(Section("val_evaluator")))
        {
            errors.Try(() => builder.WithEvaluator(Own(ComponentBuilder.Build<IEvaluator>(evaluator, Registries.Evaluators, ClassCount))));
        }
        foreach (var hook in ComponentBuilder.Items(Section("custom_hooks")))
        {
            errors.Try(() => builder.WithHooks(Own(ComponentBuilder.Build<Hook>(hook, Registries.Hooks, BuildArguments.None))));
        }
    }

    private Trainer Build(Action<TrainerBuilder>? configure)
    {
        var builder = CreateTrainer();
        configure?.Invoke(builder);
        var trainer = builder.Build();
        trainer.RunConfig = Config.ToJsonNode();
        trainer.ConfigOrigin = Config.Origin;
        return trainer;
    }

    /// <summary>Frees the model, loaders and datasets the experiment made.</summary>
    public void Dispose()
    {
        Model?.Dispose();
        foreach (var item in Enumerable.Reverse(owned))
        {
            item.Dispose();
        }
        owned.Clear();
    }

    private IConfigurationSection Section(string key) => Config.GetSection(key);

    // Components the trainer's container gets as instances stay the experiment's to free (EMA averages, …).
    private T Own<T>(T component)
    {
        if (component is IDisposable disposable)
        {
            owned.Add(disposable);
        }
        return component;
    }

    private DataLoader? OptionalLoader(string key)
    {
        var section = Section(key);
        if (ComponentBuilder.IsEmpty(section))
        {
            return null;
        }
        var errors = new ConfigErrorCollector();
        var datasetSection = section.GetSection("dataset");
        IDataset? dataset = null;
        if (ComponentBuilder.IsEmpty(datasetSection))
        {
            errors.Add(new ConfigException(datasetSection.Path, "a data loader needs a dataset, e.g. { \"type\": \"ImageFolder\", \"root\": \"data/train\" }."));
        }
        else
        {
            dataset = errors.Try(() => Own(ComponentBuilder.Build<IDataset>(datasetSection, Registries.Datasets, BuildArguments.None)));
        }
        var pipeline = ComponentBuilder.Items(section.GetSection("pipeline"))
            .Select(t => errors.Try(() => ComponentBuilder.Build<ITransform>(t, Registries.Transforms, BuildArguments.None)))
            .ToList();
        var options = errors.Try(() => ComponentBuilder.BindProperties<DataLoaderOptions>(section, BuildArguments.None, "dataset", "pipeline"));
        errors.ThrowIfAny();
        var transforms = pipeline.Select(t => t!).ToList();
        var loader = new DataLoader(dataset!, options, transforms);
        owned.Add(loader);
        pipelines[key] = transforms;
        return loader;
    }

    private void CheckSections(ConfigErrorCollector errors)
    {
        foreach (var section in Config.Configuration.GetChildren().Where(s => !Sections.Contains(s.Key, StringComparer.OrdinalIgnoreCase)))
        {
            errors.Add(new ConfigException(section.Path,
                $"unknown section '{section.Key}'.{NameSuggestions.Hint(section.Key, Sections)} Sections: {string.Join(", ", Sections)}."));
        }
    }

    private TrainerOptions BindTrainerOptions(string? workDir)
    {
        var section = Section(TrainerOptions.SectionName);
        var options = OptionsBinder.Bind<TrainerOptions>(section);
        if (workDir is not null)
        {
            options.WorkDir = workDir;
        }
        else if (section["work_dir"] is null && Config.SourcePath is { } source)
        {
            options.WorkDir = Path.Combine("work_dirs", Path.GetFileNameWithoutExtension(source));
        }
        return options;
    }


    // Binds every component section without creating it (that needs the model and the optimizer).
    private void CheckComponents(ConfigErrorCollector errors)
    {
        var optimizer = Section("optim_wrapper:optimizer");
        if (!ComponentBuilder.IsEmpty(optimizer))
        {
            errors.Try(() => ComponentBuilder.Check(optimizer, Registries.Optimizers,
                BuildArguments.Promising([typeof(IEnumerable<Tensor>), typeof(IEnumerable<ParamGroup>)])));
        }
        if (Section("optim_wrapper:paramwise_cfg") is var rules && !ComponentBuilder.IsEmpty(rules))
        {
            errors.Try(() => ComponentBuilder.BindProperties<ParamGroupRules>(rules, BuildArguments.None));
        }
        foreach (var scheduler in ComponentBuilder.Items(Section("param_scheduler")))
        {
            errors.Try(() => ComponentBuilder.Value(scheduler, "convert_to_iter_based", false));
            errors.Try(() => ComponentBuilder.Check(scheduler, Registries.ParamSchedulers,
                BuildArguments.Promising([typeof(Optimizer)], "epoch_length"), "convert_to_iter_based"));
        }
        var classCount = BuildArguments.Promising([], "num_classes");
        if (Section("batch_augment") is var augment && !ComponentBuilder.IsEmpty(augment))
        {
            errors.Try(() => ComponentBuilder.Check(augment, Registries.BatchAugments, classCount));
        }
        foreach (var evaluator in ComponentBuilder.Items(Section("val_evaluator")))
        {
            errors.Try(() => ComponentBuilder.Check(evaluator, Registries.Evaluators, classCount));
        }
        foreach (var hook in ComponentBuilder.Items(Section("custom_hooks")))
        {
            errors.Try(() => ComponentBuilder.Check(hook, Registries.Hooks, BuildArguments.None));
        }
    }

    private Optimizer BuildOptimizer(Vision.nn.Module<Tensor, Tensor> model)
    {
        var section = Section("optim_wrapper:optimizer");
        var rulesSection = Section("optim_wrapper:paramwise_cfg");
        var parameters = new List<object>();
        if (!ComponentBuilder.IsEmpty(rulesSection))
        {
            var rules = ComponentBuilder.BindProperties<ParamGroupRules>(rulesSection, BuildArguments.None);
            var lr = ComponentBuilder.Value(section, "lr", double.NaN);
            if (double.IsNaN(lr))
            {
                throw new ConfigException($"{section.Path}:lr", "paramwise_cfg scales the optimizer's lr, so the optimizer needs one.");
            }
            parameters.Add(rules.Build(model.named_parameters().Select(p => (p.name, p.parameter)), lr, ComponentBuilder.Value(section, "weight_decay", 0.0)));
        }
        else
        {
            parameters.Add(model.parameters());
        }
        var optimizer = ComponentBuilder.Build<Optimizer>(section, Registries.Optimizers, new BuildArguments(parameters));
        ScaleLearningRate(optimizer);
        return optimizer;
    }

    // MMEngine's auto_scale_lr: lr × (real batch size / base_batch_size), the global batch: the loader's batch size times
    // the ranks (the trainer joined its process group before it builds the optimizer).
    private void ScaleLearningRate(Optimizer optimizer)
    {
        var section = Section("auto_scale_lr");
        if (ComponentBuilder.IsEmpty(section) || !ComponentBuilder.Value(section, "enable", true))
        {
            return;
        }
        var baseBatch = ComponentBuilder.Value(section, "base_batch_size", 0L);
        if (baseBatch <= 0)
        {
            throw new ConfigException($"{section.Path}:base_batch_size", "auto_scale_lr needs a positive base_batch_size (the batch size the lr was tuned for).");
        }
        var realBatch = (long)TrainDataLoader.Options.BatchSize * torch.distributed.get_world_size();
        foreach (var group in optimizer.param_groups)
        {
            group.lr = AutoScaleLr.Scale(group.lr, baseBatch, realBatch);
        }
    }

    private static ParamScheduler BuildScheduler(IConfigurationSection section, SchedulerContext context)
    {
        var named = new Dictionary<string, object>();
        if (ComponentBuilder.Value(section, "convert_to_iter_based", false))
        {
            named["epoch_length"] = context.StepsPerEpoch;
        }
        return ComponentBuilder.Build<ParamScheduler>(section, Registries.ParamSchedulers,
            new BuildArguments([context.Optimizer], named), "convert_to_iter_based");
    }
}
