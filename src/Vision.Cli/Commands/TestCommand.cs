using System.CommandLine;
using Spectre.Console;
using Vision.Cli.Output;
using Vision.Engine.Configuration;
using Vision.Engine.Evaluation;
using Vision.Engine.Visualization;
using Vision.Engine.Visualization.Gallery;

namespace Vision.Cli.Commands;

/// <summary>
/// <c>vision test &lt;config&gt; &lt;checkpoint&gt;</c>: evaluates a checkpoint on the config's test data (its
/// validation data when it has none) with the config's evaluators, and writes the report. <c>vision test
/// &lt;checkpoint-or-work-dir&gt;</c> takes the config the checkpoint was trained with (see
/// <see cref="Config.FromCheckpoint"/>), so a run can be tested from its outputs alone. The report
/// (<c>{work_dir}/test/evaluation.json</c> and <c>.md</c>; MMPreTrain's <c>tools/test.py</c>) comes with its charts: the
/// confusion matrix as counts and row-normalised, per-class precision/recall/F1 bars and the gallery of the most
/// confident mistakes (<see cref="MisclassifiedHook"/>).
/// </summary>
public static class TestCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var shared = new ConfigArguments();
        var inputs = new Argument<string[]>("config-and-checkpoint")
        {
            Description = "The config file and the weights (a checkpoint folder written by train, EMA state included, or a state dict " +
                "file); or only a checkpoint folder or work dir, whose checkpoint records the config it was trained with.",
            Arity = new ArgumentArity(1, 2),
        };
        var command = new Command("test", "Evaluate a checkpoint on the test data of a config file and write the evaluation report.");
        command.Arguments.Add(inputs);
        shared.AddOptionsTo(command);
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var paths = result.GetRequiredValue(inputs);
            var config = paths.Length == 2 ? Config.FromFile(paths[0], shared.Overrides(result)) : Config.FromCheckpoint(paths[0], shared.Overrides(result));
            using var experiment = shared.Load(result, config);
            var gallery = new MisclassifiedHook(experiment.Classes);
            var report = experiment.Test(paths[^1], builder =>
            {
                ConfigArguments.WriteTo(output)(builder);
                builder.WithHooks(gallery);
            });
            var console = CliConsole.Create(output);
            console.Write(CliConsole.Metrics(report.Metrics));
            var folder = Path.Combine(Path.GetFullPath(experiment.Options.WorkDir), "test");
            console.WriteLine($"report: {Path.Combine(folder, EvaluationReport.MarkdownFileName)}");
            foreach (var chart in new[] { EvaluationCharts.ConfusionMatrixFileName, EvaluationCharts.NormalizedConfusionMatrixFileName, EvaluationCharts.PerClassFileName })
            {
                if (File.Exists(Path.Combine(folder, chart)))
                {
                    console.WriteLine($"chart: {Path.Combine(folder, chart)}");
                }
            }
            if (gallery.LastGallery is { } mistakes)
            {
                console.WriteLine($"misclassified: {Path.GetFullPath(mistakes)}");
            }
            return 0;
        });
        return command;
    }
}
