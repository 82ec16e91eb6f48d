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
