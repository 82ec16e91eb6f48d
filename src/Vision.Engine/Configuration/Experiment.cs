using System.Globalization;
using Microsoft.Extensions.Configuration;
using Vision.Data;
using Vision.Data.BatchAugments;
using Vision.Data.Image;
using Vision.Data.Loading;
using Vision.Data.Transforms;
using Vision.Engine.Checkpoints;
using Vision.Engine.Distributed;
using Vision.Engine.Evaluation;
using Vision.Engine.Hooks;
using Vision.Engine.Optim;
using Vision.Engine.Schedulers;
using Vision.Engine.Training;
using Vision.Models;
using Vision.Models.Losses;
using Vision.Models.Registry;
using Vision.Models.Weights;

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
            var train = errors.Try(() => OptionalLoader("train_dataloader"));
            ValDataLoader = errors.Try(() => OptionalLoader("val_dataloader"));
            TestDataLoader = errors.Try(() => OptionalLoader("test_dataloader"));
            var loader = train ?? TestDataLoader ?? ValDataLoader;
            if (loader is null && !errors.HasErrors)
            {
                errors.Add(new ConfigException("train_dataloader", "the configuration has no train_dataloader (nor a test_dataloader or val_dataloader to test with)."));
            }
            Options = errors.Try(() => BindTrainerOptions(workDir))!;
            errors.Try(CheckModelKeys);
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
            Model = BuildModel();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

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

    private static readonly string[] ModelKeys = ["type", "num_classes", "img_size", "drop_rate", "drop_path_rate", "loss", "overrides", "pretrained"];

    private void CheckModelKeys()
    {
        var section = Section("model");
        var errors = new List<ConfigException>();
        if (string.IsNullOrWhiteSpace(section["type"]))
        {
            errors.Add(new ConfigException(section.Path, $"the model needs a \"type\": a registered model name such as {string.Join(", ", ModelRegistry.ListModels().Take(4))}."));
        }
        errors.AddRange(section.GetChildren().Where(c => !ModelKeys.Contains(c.Key, StringComparer.OrdinalIgnoreCase)).Select(unknown =>
            new ConfigException(unknown.Path, $"unknown model option '{unknown.Key}' (options: {string.Join(", ", ModelKeys)}; architecture settings go under \"overrides\").")));
        if (errors.Count > 0)
        {
            throw ConfigException.Combine(errors);
        }
    }

    private ImageClassifier BuildModel()
    {
        var section = Section("model");
        var name = section["type"]!;
        var lossSection = section.GetSection("loss");
        var options = new ModelOptions
        {
            NumClasses = Number(section, "num_classes", Classes.Count),
            ImageSize = Number(section, "img_size", 224),
            DropRate = Number(section, "drop_rate", 0.0),
            DropPathRate = Number(section, "drop_path_rate", 0.0),
            Loss = ComponentBuilder.IsEmpty(lossSection) ? null : ComponentBuilder.Build<ClsLoss>(lossSection, Registries.Losses, BuildArguments.None),
            // Lists become "a,b,c", the form ModelOptions reads (out_indices).
            Overrides = WithCheckpointOverrides(section, section.GetSection("overrides").GetChildren().ToDictionary(
                c => c.Key, c => c.Value ?? string.Join(",", ComponentBuilder.Items(c).Select(i => i.Value)))),
        };
        ImageClassifier model;
        try
        {
            model = ModelRegistry.Create(name, options);
        }
        catch (ArgumentException e)
        {
            options.Loss?.Dispose();
            throw new ConfigException(section.Path, e.Message, e);
        }
        model.pretrained_cfg = Describe(name, options);
        if (section["pretrained"] is { Length: > 0 } pretrained)
        {
            try
            {
                PretrainedWeights.Load(model, pretrained, new WeightLoadOptions { FallbackKeyMap = ModelRegistry.Get(name).PretrainedKeyMap });
            }
            catch (Exception e) when (e is ArgumentException or FileNotFoundException or InvalidDataException)
            {
                model.Dispose();
                throw new ConfigException($"{section.Path}:pretrained", e.Message, e);
            }
        }
        return model;
    }

    // What checkpoints record about the model: how to rebuild it and how validation prepared its inputs.
    private ModelMetadata Describe(string name, ModelOptions options)
    {
        var evaluation = pipelines.GetValueOrDefault("val_dataloader") ?? pipelines.GetValueOrDefault("test_dataloader") ?? [];
        var resize = evaluation.OfType<ResizeEdge>().FirstOrDefault();
        var crop = evaluation.OfType<CenterCrop>().FirstOrDefault();
        var channels = options.Overrides.TryGetValue("in_channels", out var text) && int.TryParse(text, CultureInfo.InvariantCulture, out var c) ? c : 3;
        var preprocessor = Options.DataPreprocessor;
        return new ModelMetadata
        {
            Architecture = ModelRegistry.Get(name).Name,
            Overrides = options.Overrides,
            NumClasses = options.NumClasses,
            ClassNames = Classes.Count == options.NumClasses ? Classes : null,
            InChannels = channels,
            ImageSize = (int)options.ImageSize,
            Mean = preprocessor.Mean is { } mean ? PerChannel(mean, channels) : null,
            Std = preprocessor.Std is { } std ? PerChannel(std, channels) : null,
            Interpolation = (resize?.Interpolation ?? Interpolation.Bilinear).ToString().ToLowerInvariant(),
            CropPct = resize is not null && crop is not null ? (double)crop.Height / resize.Scale : 1.0,
        };
    }

    private static double[] PerChannel(double[] values, int channels) =>
        values.Length == 1 ? Enumerable.Repeat(values[0], channels).ToArray() : values;

    // The pretrained checkpoint can decide settings its weights need (an official CAS-ViT's dist_head); the config's own win.
    private static Dictionary<string, string> WithCheckpointOverrides(IConfigurationSection section, Dictionary<string, string> overrides)
    {
        if (section["pretrained"] is not { Length: > 0 } pretrained)
        {
            return overrides;
        }
        try
        {
            foreach (var (key, value) in PretrainedWeights.ImpliedOverrides(pretrained))
            {
                overrides.TryAdd(key, value);
            }
            return overrides;
        }
        catch (InvalidDataException e)
        {
            throw new ConfigException($"{section.Path}:pretrained", e.Message, e);
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
            var lr = Number(section, "lr", double.NaN);
            if (double.IsNaN(lr))
            {
                throw new ConfigException($"{section.Path}:lr", "paramwise_cfg scales the optimizer's lr, so the optimizer needs one.");
            }
            parameters.Add(rules.build(model.named_parameters().Select(p => (p.name, p.parameter)), lr, Number(section, "weight_decay", 0.0)));
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
        if (ComponentBuilder.IsEmpty(section) || section["enable"] is { } enable && !ParseBool(section.GetSection("enable"), enable))
        {
            return;
        }
        var baseBatch = Number(section, "base_batch_size", 0L);
        if (baseBatch <= 0)
        {
            throw new ConfigException($"{section.Path}:base_batch_size", "auto_scale_lr needs a positive base_batch_size (the batch size the lr was tuned for).");
        }
        var realBatch = (long)TrainDataLoader.Options.BatchSize * torch.distributed.get_world_size();
        foreach (var group in optimizer.param_groups)
        {
            group.lr = AutoScaleLr.scale(group.lr, baseBatch, realBatch);
        }
    }

    private static ParamScheduler BuildScheduler(IConfigurationSection section, SchedulerContext context)
    {
        var named = new Dictionary<string, object>();
        if (section["convert_to_iter_based"] is { } convert && ParseBool(section.GetSection("convert_to_iter_based"), convert))
        {
            named["epoch_length"] = context.StepsPerEpoch;
        }
        return ComponentBuilder.Build<ParamScheduler>(section, Registries.ParamSchedulers,
            new BuildArguments([context.Optimizer], named), "convert_to_iter_based");
    }

    private static bool ParseBool(IConfigurationSection section, string text) =>
        bool.TryParse(text, out var value) ? value : throw new ConfigException(section.Path, $"'{text}' is not true or false.");

    private static T Number<T>(IConfigurationSection section, string key, T fallback) where T : IParsable<T>
    {
        var text = section[key];
        if (text is null)
        {
            return fallback;
        }
        return T.TryParse(text, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ConfigException($"{section.Path}:{key}", $"'{text}' is not a number.");
    }
}
