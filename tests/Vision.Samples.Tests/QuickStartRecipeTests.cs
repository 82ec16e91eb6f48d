using System.Text.Json.Nodes;
using Vision.Data.Datasets;
using Vision.Engine.Evaluation;
using Vision.Samples.QuickStart;

namespace Vision.Samples.Tests;

/// <summary>
/// Runs the quick-start recipe on a slice of Fashion-MNIST (two epochs over 5,000 training images, 1,000 test
/// images; 12 s on two lightly loaded cores) so a change that breaks the recipe (data, model, schedule, evaluators,
/// report, checkpoints) fails here rather than in the four-minute demo.
/// </summary>
public sealed class QuickStartRecipeTests : IDisposable
{
    private const int TestImages = 1000;

    private readonly string workDir = Path.Combine(Path.GetTempPath(), $"vision-quickstart-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(workDir))
        {
            Directory.Delete(workDir, recursive: true);
        }
    }

    [SkippableFact]
    public void Two_epochs_on_5000_images_learn_and_write_the_report_and_checkpoints()
    {
        Skip.IfNot(FashionMnistIsInstalled(),
            $"Fashion-MNIST is not in {FashionMnist.DefaultRoot}; install Debian's dataset-fashion-mnist (./build.sh test does).");

        var result = QuickStartRecipe.Run(new QuickStartOptions
        {
            Epochs = 2,
            TrainLimit = 5000,
            TestLimit = TestImages,
            WorkDir = workDir,
        });

        // Measured 86.6 % with seed 0 (74.6 % after the first epoch); 80 leaves room for other thread counts and libtorch builds.
        Assert.True(result.TestAccuracy > 80, $"test accuracy {result.TestAccuracy:F2} % after two epochs on 5,000 images; expected over 80 %");

        var reportFolder = Path.Combine(workDir, "test");
        Assert.Equal(Path.Combine(reportFolder, EvaluationReport.MarkdownFileName), result.ReportPath);
        Assert.True(File.Exists(result.ReportPath));
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(reportFolder, EvaluationReport.JsonFileName)))!;
        Assert.Equal(result.TestAccuracy, json["metrics"]![QuickStartRecipe.AccuracyMetric]!.GetValue<double>());
        Assert.Equal(FashionMnist.Classes, json["classes"]!.AsArray().Select(c => c!.GetValue<string>()));
        var confusion = json["confusion_matrix"]!.AsArray();
        Assert.Equal(TestImages, confusion.Sum(row => row!.AsArray().Sum(count => count!.GetValue<long>())));

        // The last epoch's checkpoint is the latest; the best by validation accuracy is kept beside it.
        Assert.Equal(Path.Combine(workDir, "checkpoints", "epoch_2"), result.LatestCheckpoint);
        Assert.StartsWith(Path.Combine(workDir, "checkpoints", "best_accuracy_top1_epoch_"), result.BestCheckpoint);
        foreach (var checkpoint in new[] { result.LatestCheckpoint!, result.BestCheckpoint! })
        {
            Assert.True(File.Exists(Path.Combine(checkpoint, "tensors.safetensors")), $"{checkpoint} has no tensors.safetensors");
            Assert.True(File.Exists(Path.Combine(checkpoint, "state.json")), $"{checkpoint} has no state.json");
        }
    }

    private static bool FashionMnistIsInstalled() =>
        new[] { "train-images-idx3-ubyte", "t10k-images-idx3-ubyte" }.All(name =>
            File.Exists(Path.Combine(FashionMnist.DefaultRoot, name + ".gz")) || File.Exists(Path.Combine(FashionMnist.DefaultRoot, name)));
}
