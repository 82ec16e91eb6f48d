using System.Globalization;
using Microsoft.Extensions.Configuration;
using Vision.Data.Loading;
using Vision.Engine.Evaluation;
using Vision.Engine.Training;

namespace Vision.Engine.Configuration;

// Mistakes that show only when sections meet: a model with fewer classes than its data has labels (libtorch's
// "index 4 is out of bounds" at the first step otherwise), an accuracy k beyond the class count, a save_best metric no
// evaluator reports (found after the first epoch otherwise). Checked once the model is built, before training.
internal static class ExperimentChecks
{
    public static void Run(Config config, long numClasses, IReadOnlyDictionary<string, DataLoader> loaders, TrainerOptions options,
        ConfigErrorCollector errors)
    {
        foreach (var (key, loader) in loaders)
        {
            var classes = loader.Dataset.Classes.Count;
            if (classes > numClasses)
            {
                errors.Add(new ConfigException($"{ModelSection.Name}:num_classes",
                    $"the model has {numClasses} classes, but {key}'s dataset has {classes} (labels 0 to {classes - 1}); set num_classes to at least {classes} or leave it out."));
                break;
            }
        }
        if (options.MaxIters is { } maxIters && loaders.TryGetValue("train_dataloader", out var train))
        {
            CheckIntervalUnits(config, maxIters, train.Count, errors);
        }
        var metrics = new List<string>();
        var classCount = new BuildArguments([], new Dictionary<string, object> { ["num_classes"] = numClasses });
        foreach (var section in ComponentBuilder.Items(config.GetSection("val_evaluator")))
        {
            errors.Try(() => metrics.AddRange(MetricNames(section, classCount, numClasses)));
        }
        var saveBest = options.Checkpoint.SaveBest;
        if (saveBest is not null && saveBest != "auto" && loaders.ContainsKey("val_dataloader") && metrics.Count > 0 && !metrics.Contains(saveBest))
        {
            errors.Add(new ConfigException($"{TrainerOptions.SectionName}:checkpoint:save_best",
                $"'{saveBest}' is not a metric the evaluators report (they report: {string.Join(", ", metrics)})."));
        }
    }

    // An epoch config switched to max_iters keeps its intervals, which then count iterations (as in MMEngine), so a
    // configured interval must say its unit there; epochs are converted (n epochs = n × the epoch length).
    private static void CheckIntervalUnits(Config config, long maxIters, int epochLength, ConfigErrorCollector errors)
    {
        var trainer = config.GetSection(TrainerOptions.SectionName);
        var run = $"an iteration-based run (max_iters = {maxIters}, {epochLength} iterations per epoch)";
        if (Given(trainer, "val_interval") is { } validation && trainer["val_by_epoch"] is null)
        {
            errors.Add(new ConfigException($"{trainer.Path}:val_interval",
                $"{validation} in {run} would count iterations (validation after every {Iterations(validation)}): say its unit with " +
                $"val_by_epoch: false (iterations, as MMEngine's IterBasedTrainLoop) or val_by_epoch: true (epochs: every {Iterations(validation * epochLength)})."));
        }
        var checkpoint = trainer.GetSection("checkpoint");
        if (Given(checkpoint, "interval") is { } saving and > 0 && checkpoint["by_epoch"] is null)
        {
            errors.Add(new ConfigException($"{checkpoint.Path}:interval",
                $"{saving} in {run} would count iterations (a checkpoint after every {Iterations(saving)}): say its unit with checkpoint.by_epoch: " +
                $"false (iterations, as MMEngine's CheckpointHook(by_epoch=False)) or checkpoint.by_epoch: true (at the end of every {(saving == 1 ? "epoch" : $"{saving} epochs")})."));
        }
    }

    // A key's value when the configuration sets it (bad values are the binder's to report).
    private static long? Given(IConfigurationSection section, string key) =>
        long.TryParse(section[key], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static string Iterations(long count) => count == 1 ? "iteration" : $"{count} iterations";

    // The names an evaluator reports, read from one made for the check and fed one sample (an evaluator reports
    // nothing before it has seen data).
    private static IReadOnlyCollection<string> MetricNames(IConfigurationSection section, BuildArguments classCount, long numClasses)
    {
        var evaluator = ComponentBuilder.Build<IEvaluator>(section, Registries.Evaluators, classCount);
        try
        {
            // Only a k the configuration asks for: the default top-5 is clipped to a smaller class count with a warning.
            if (evaluator is Accuracy accuracy && !ComponentBuilder.IsEmpty(section.GetSection("topk")) && accuracy.Topk.Max() is var k && k > numClasses)
            {
                throw new ConfigException($"{section.Path}:topk",
                    $"top-{k.ToString(CultureInfo.InvariantCulture)} accuracy needs at least {k} classes, but the model has {numClasses} (model:num_classes).");
            }
            using var scope = torch.NewDisposeScope();
            evaluator.Reset();
            evaluator.Process(torch.zeros(1, numClasses), torch.zeros([1], dtype: ScalarType.Int64));
            var names = evaluator.Compute().Keys.ToList();
            evaluator.Reset();
            return names;
        }
        finally
        {
            (evaluator as IDisposable)?.Dispose();
        }
    }
}
