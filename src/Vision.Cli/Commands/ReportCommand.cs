using System.CommandLine;
using System.Text.Json;
using Vision.Cli.Inference;
using Vision.Engine.Evaluation;
using Vision.Engine.Visualization.Report;
using Vision.Models.Analysis;
using Vision.Models.Registry;

namespace Vision.Cli.Commands;

/// <summary>
/// <c>vision report work_dir</c>: writes <c>{work_dir}/report.html</c>, one self-contained page (pictures inlined) with the
/// run's metrics, curves, per-class table, confusion matrix, misclassified gallery, Grad-CAM and t-SNE pictures where
/// the work dir has them, the model summary and the config (<see cref="RunReport"/>).
/// </summary>
public static class ReportCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var workDir = new Argument<string>("work_dir") { Description = "The run's work dir (written by train, test, cam, tsne)." };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the page; default {work_dir}/report.html." };
        var command = new Command("report", "Write one self-contained HTML report of a run (metrics, curves, confusion matrix, CAMs, t-SNE).")
        {
            workDir, output,
        };
        command.SetAction(result =>
        {
            var dir = result.GetRequiredValue(workDir);
            if (!Directory.Exists(dir))
            {
                throw new DirectoryNotFoundException($"The work dir {dir} does not exist.");
            }
            var path = RunReport.Write(dir, ModelSummaryOf(dir), result.GetValue(output));
            result.InvocationConfiguration.Output.WriteLine(Path.GetFullPath(path));
            return 0;
        });
        return command;
    }

    // The summary of the model the saved config describes, with the class count of the test report when the config
    // took it from the dataset; null when the work dir has no config.
    private static string? ModelSummaryOf(string workDir)
    {
        var config = Path.Combine(workDir, "config.json");
        if (!File.Exists(config))
        {
            return null;
        }
        var trained = TrainingDefaults.Read(config);
        if (trained.Model is null)
        {
            return null;
        }
        var classes = trained.NumClasses ?? TestedClassCount(workDir) ?? 1000;
        var size = trained.ImageSize ?? 224;
        using var model = ModelRegistry.Create(trained.Model, classes, size, trained.Overrides);
        return $"{trained.Model}, {classes} classes, {size} px\n" + ModelSummary.Create(model, size, trained.InChannels ?? 3, max_depth: 2);
    }

    private static int? TestedClassCount(string workDir)
    {
        var json = Path.Combine(workDir, "test", EvaluationReport.JsonFileName);
        if (!File.Exists(json))
        {
            return null;
        }
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        return report.RootElement.TryGetProperty("classes", out var names) ? names.GetArrayLength() : null;
    }
}
