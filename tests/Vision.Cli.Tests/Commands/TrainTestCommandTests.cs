using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vision.Cli.Commands;
using Vision.Engine.Checkpoints;

namespace Vision.Cli.Tests.Commands;

public sealed partial class TrainTestCommandTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("vision-cli-train-");

    public TrainTestCommandTests()
    {
        // Three colours, one class each: learnable in a couple of epochs.
        for (var label = 0; label < 3; label++)
        {
            foreach (var (split, count) in new[] { ("train", 8), ("val", 3) })
            {
                for (var n = 0; n < count; n++)
                {
                    var rng = new Random(label * 100 + n);
                    TestImages.Write(Path.Combine(root.FullName, "data", split, $"class{label}", $"{n}.png"), 8, 8,
                        (_, _, c) => (byte)((c == label ? 200 : 40) + rng.Next(-20, 21)));
                }
            }
        }
        File.WriteAllText(ConfigPath, $$"""
            {
              "model": { "type": "resnet18", "img_size": 8 },
              "train_dataloader": { "batch_size": 8, "shuffle": true, "dataset": { "type": "ImageFolder", "root": "{{Data("train")}}" } },
              "val_dataloader": { "batch_size": 9, "dataset": { "type": "ImageFolder", "root": "{{Data("val")}}" } },
              "optim_wrapper": { "optimizer": { "type": "AdamW", "lr": 0.001 } },
              "val_evaluator": [ { "type": "Accuracy" }, { "type": "SingleLabelMetric" }, { "type": "ConfusionMatrix" } ],
              "trainer": { "max_epochs": 1, "seed": 1, "progress_bar": false, "data_preprocessor": { "mean": [127.5], "std": [127.5] } }
            }
            """);
    }

    private string ConfigPath => Path.Combine(root.FullName, "run.json");

    private string WorkDir => Path.Combine(root.FullName, "work");

    public void Dispose() => root.Delete(recursive: true);

    private string Data(string split) => Path.Combine(root.FullName, "data", split);

    [Fact]
    public void TrainWritesCheckpointsAndTheConfigAndTestReportsTheSameAccuracyFromTheCheckpoint()
    {
        var train = CliRun.Of("train", ConfigPath, "--work-dir", WorkDir, "--set", "trainer:max_epochs=2").Succeeded();

        Assert.Contains("Training completed after 2 epochs, 6 iterations.", train.Out);
        var latest = Line(train.Out, "latest checkpoint:");
        Assert.True(Directory.Exists(latest), latest);
        Assert.StartsWith(Path.Combine(WorkDir, "checkpoints"), latest);
        using (var saved = JsonDocument.Parse(File.ReadAllText(Path.Combine(WorkDir, "config.json"))))
        {
            Assert.Equal(2, saved.RootElement.GetProperty("trainer").GetProperty("max_epochs").GetInt32());
        }
        var trainedAccuracy = double.Parse(train.Rows().Single(r => r[0] == "accuracy/top1")[1], CultureInfo.InvariantCulture);

        var test = CliRun.Of("test", ConfigPath, latest, "--work-dir", WorkDir).Succeeded();

        var testedAccuracy = double.Parse(test.Rows().Single(r => r[0] == "accuracy/top1")[1], CultureInfo.InvariantCulture);
        Assert.Equal(trainedAccuracy, testedAccuracy);
        var report = Line(test.Out, "report:");
        Assert.Equal(Path.Combine(WorkDir, "test", "evaluation.md"), report);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(WorkDir, "test", "evaluation.json")));
        // The summary prints two decimals, as the report does.
        Assert.Equal(testedAccuracy, json.RootElement.GetProperty("metrics").GetProperty("accuracy/top1").GetDouble(), 2);

        // The work dir alone: the checkpoint records the config it was trained with, and the report goes beside the run's.
        File.Delete(Path.Combine(WorkDir, "test", "evaluation.json"));
        var alone = CliRun.Of("test", WorkDir).Succeeded();
        Assert.Equal(testedAccuracy, double.Parse(alone.Rows().Single(r => r[0] == "accuracy/top1")[1], CultureInfo.InvariantCulture));
        Assert.True(File.Exists(Path.Combine(WorkDir, "test", "evaluation.json")));

        // The model's state dict as a PyTorch file (torch.save's format, any extension): test reads it by content.
        var pth = Path.Combine(root.FullName, "model.pt");
        using (var scope = torch.NewDisposeScope())
        {
            var tensors = Vision.Serialization.SafeTensors.Load(Path.Combine(latest, FileCheckpointStore.TensorsFile));
            Vision.Serialization.TorchCheckpoint.Save(
                tensors.Where(e => e.Key.StartsWith(Checkpoint.ModelPrefix, StringComparison.Ordinal)).ToDictionary(e => e.Key[Checkpoint.ModelPrefix.Length..], e => e.Value), pth);
        }
        var fromPth = CliRun.Of("test", ConfigPath, pth, "--work-dir", Path.Combine(root.FullName, "pth-test")).Succeeded();
        Assert.Equal(testedAccuracy, double.Parse(fromPth.Rows().Single(r => r[0] == "accuracy/top1")[1], CultureInfo.InvariantCulture));
        // The pictures: curves drawn during training, the confusion matrices and per-class bars by test.
        Assert.All(new[] { "curves/loss.png", "curves/lr.png", "curves/accuracy.png", "test/confusion_matrix.png",
            "test/confusion_matrix_normalized.png", "test/per_class_metrics.png" },
            file => Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(WorkDir, file))[..4]));
        Assert.Contains(Path.Combine(WorkDir, "test", "confusion_matrix.png"), test.Out);
        // The gallery exists exactly when some image was misclassified (9 validation images).
        var gallery = Path.Combine(WorkDir, "test", "misclassified.png");
        Assert.Equal(testedAccuracy < 100, File.Exists(gallery));
        Assert.Equal(testedAccuracy < 100, test.Out.Contains($"misclassified: {gallery}", StringComparison.Ordinal));
    }

    [Fact]
    public void CamDrawsAHeatmapPerImageForThePredictedOrTheGivenClass()
    {
        var latest = Line(CliRun.Of("train", ConfigPath, "--work-dir", WorkDir).Succeeded().Out, "latest checkpoint:");
        var output = Path.Combine(root.FullName, "cam");

        var run = CliRun.Of("cam", ConfigPath, latest, Path.Combine(Data("val"), "class0"), Path.Combine(Data("val"), "class1", "0.png"),
            "--classes", "red,green,blue", "--target-layer", "backbone.layer1", "--method", "GradCamPlusPlus", "-o", output).Succeeded();

        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.All(lines, l => Assert.Contains("Grad-CAM++ backbone.layer1", l));
        Assert.Equal(["0_2_cam.png", "0_cam.png", "1_cam.png", "2_cam.png"], Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.All(Directory.GetFiles(output), f => Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(f)[..4]));

        var given = CliRun.Of("cam", ConfigPath, latest, Path.Combine(Data("val"), "class2", "0.png"), "--classes", "red,green,blue",
            "--target-class", "1", "-o", output).Succeeded();
        Assert.StartsWith($"{Path.Combine(output, "0_cam.png")}  green ", given.Out);
        // At 8 px every stage's map is 2×2 or smaller: the default is the one with the largest, layer1.
        Assert.Contains("backbone.layer1", given.Out);

        var wrongLayer = CliRun.Of("cam", ConfigPath, latest, Data("val"), "--classes", "red,green,blue", "--target-layer", "backbone.nope").Failed();
        Assert.Contains("backbone.nope", wrongLayer.Err);
    }

    [SkippableFact]
    public void TheReportInlinesEveryPictureOfTheRunAndABrowserShowsThemAllWithoutErrors()
    {
        HeadlessChromium.Require();
        var latest = Line(CliRun.Of("train", ConfigPath, "--work-dir", WorkDir, "--set", "trainer:max_epochs=2").Succeeded().Out, "latest checkpoint:");
        CliRun.Of("test", ConfigPath, latest, "--work-dir", WorkDir).Succeeded();
        CliRun.Of("cam", ConfigPath, latest, Path.Combine(Data("val"), "class0"), "--classes", "red,green,blue", "--target-layer", "backbone.layer1",
            "-o", Path.Combine(WorkDir, "cam")).Succeeded();

        var tsne = CliRun.Of("tsne", ConfigPath, latest, "--work-dir", WorkDir).Succeeded();
        Assert.StartsWith("9 samples, 512-d features, KL ", tsne.Out);
        Assert.Contains(Path.Combine(WorkDir, "tsne", "tsne.png"), tsne.Out);

        var report = CliRun.Of("report", WorkDir).Succeeded().Out.Trim();

        Assert.Equal(Path.Combine(WorkDir, "report.html"), report);
        var html = File.ReadAllText(report);
        // Self-contained: pictures are data URIs and nothing is fetched from anywhere.
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("src=\"file:", html);
        foreach (var section in new[] { "Final metrics", "Training curves", "Per class", "Confusion matrix", "Grad-CAM", "t-SNE of the features", "Model", "Config" })
        {
            Assert.Contains($"<h2>{section}</h2>", html);
        }
        Assert.Contains("<td>class2</td>", html);
        Assert.Contains("resnet18", html);
        // The curves, 2 confusion matrices, the per-class bars, the mistakes (if any), 3 CAMs and the t-SNE.
        var mistakes = File.Exists(Path.Combine(WorkDir, "test", "misclassified.png"));
        Assert.Equal(mistakes, html.Contains("<h2>Misclassified examples</h2>", StringComparison.Ordinal));
        var expectedImages = Directory.GetFiles(Path.Combine(WorkDir, "curves"), "*.png").Length + 3 + (mistakes ? 1 : 0) + 3 + 1;
        Assert.Equal(expectedImages, Regex.Matches(html, "<img [^>]*src=\"data:image/png;base64,").Count);

        var page = HeadlessChromium.Check(report);
        Assert.Equal(expectedImages, page.Images);
        Assert.Empty(page.BrokenImages);
        Assert.Empty(page.Errors);
        // Kept with the test output for a person to look at.
        HeadlessChromium.Screenshot(report, Path.Combine(AppContext.BaseDirectory, "report-screenshot", "report.png"));
    }

    [Fact]
    public void BrowseDatasetDrawsTheImagesAfterThePipelineWithTheirClasses()
    {
        var train = CliRun.Of("browse-dataset", ConfigPath, "--work-dir", WorkDir, "-n", "5").Succeeded();
        Assert.Equal(Path.Combine(WorkDir, "browse_train.png"), train.Out.Trim());
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(WorkDir, "browse_train.png"))[..4]);
        CliRun.Of("browse-dataset", ConfigPath, "--work-dir", WorkDir, "--phase", "val").Succeeded();
        Assert.True(File.Exists(Path.Combine(WorkDir, "browse_val.png")));
        Assert.Contains("test_dataloader", CliRun.Of("browse-dataset", ConfigPath, "--work-dir", WorkDir, "--phase", "test").Failed().Err);
        Assert.Contains("'dev'", CliRun.Of("browse-dataset", ConfigPath, "--work-dir", WorkDir, "--phase", "dev").Failed().Err);
    }

    [Fact]
    public void InferWithTheTrainingConfigRunsTheModelAsTrainedLikeTheExplicitOptions()
    {
        var latest = Line(CliRun.Of("train", ConfigPath, "--work-dir", WorkDir).Succeeded().Out, "latest checkpoint:");

        var noClassCount = CliRun.Of("infer", Data("val"), "--config", ConfigPath, "--checkpoint", latest).Failed();
        Assert.Contains("has no num_classes", noClassCount.Err);

        var fromConfig = CliRun.Of("infer", Data("val"), "--config", ConfigPath, "--checkpoint", latest, "--num-classes", "3", "--json", "-").Succeeded();
        var explicitly = CliRun.Of("infer", Data("val"), "--model", "resnet18", "--img-size", "8", "--num-classes", "3",
            "--mean", "127.5,127.5,127.5", "--std", "127.5,127.5,127.5", "--checkpoint", latest, "--json", "-").Succeeded();

        using var results = JsonDocument.Parse(fromConfig.Out);
        Assert.Equal(9, results.RootElement.GetArrayLength());
        // The ImageNet defaults differ from the config's normalisation, so the scores do too.
        var imageNet = CliRun.Of("infer", Data("val"), "--model", "resnet18", "--img-size", "8", "--num-classes", "3",
            "--checkpoint", latest, "--json", "-").Succeeded();
        Assert.NotEqual(imageNet.Out, fromConfig.Out);
        Assert.Equal(explicitly.Out, fromConfig.Out);
    }

    [Fact]
    public void InferOnAWorkDirAloneTakesModelClassesAndPreprocessingFromTheCheckpoint()
    {
        var train = CliRun.Of("train", ConfigPath, "--work-dir", WorkDir).Succeeded();
        var trainedAccuracy = double.Parse(train.Rows().Single(r => r[0] == "accuracy/top1")[1], CultureInfo.InvariantCulture);

        // No --model, --classes, --num-classes, --img-size or --mean: the checkpoint records them.
        var run = CliRun.Of("infer", Data("val"), "--checkpoint", WorkDir, "--batch-size", "9", "--json", "-").Succeeded();

        using var results = JsonDocument.Parse(run.Out);
        var predictions = results.RootElement.EnumerateArray()
            .Select(r => (Path: r.GetProperty("img_path").GetString()!, Class: r.GetProperty("pred_class").GetString()!)).ToList();
        Assert.Equal(9, predictions.Count);
        Assert.All(predictions, p => Assert.StartsWith("class", p.Class));
        // Preprocessed as validation was, the predictions reproduce the validation accuracy.
        var correct = predictions.Count(p => Path.GetFileName(Path.GetDirectoryName(p.Path)) == p.Class);
        Assert.Equal(trainedAccuracy, 100.0 * correct / predictions.Count, 2);

        var conflicting = CliRun.Of("infer", Data("val"), "--checkpoint", WorkDir, "--mean", "0,0,0").Failed();
        Assert.Contains("--mean describe the model, which without --model or --config comes from the checkpoint", conflicting.Err);
    }

    [Fact]
    public void ConfigMistakesAreOneErrorLineNamingTheSettingAndNothingIsWritten()
    {
        CliRun.Of("train", ConfigPath, "--work-dir", WorkDir, "--set", "trainer:max_epoch=2").Failed();
        var run = CliRun.Of("train", ConfigPath, "--work-dir", WorkDir, "--set", "optim_wrapper:optimizer:lr=fast").Failed();
        Assert.StartsWith("error: optim_wrapper:optimizer:lr: 'fast' is not a number.", run.Err);
        run = CliRun.Of("train", Path.Combine(root.FullName, "missing.json")).Failed();
        Assert.Contains("missing.json", run.Err);
        run = CliRun.Of("test", ConfigPath, Path.Combine(root.FullName, "no-checkpoint"), "--work-dir", WorkDir).Failed();
        Assert.StartsWith("error: No trainer checkpoint at", CliRun.Of("test", Path.Combine(root.FullName, "no-checkpoint")).Failed().Err);
        Assert.Contains("no-checkpoint", run.Err);
        Assert.False(Directory.Exists(Path.Combine(WorkDir, "checkpoints")));
    }

    [Fact]
    public void AnIterationBasedRunIsSummedUpInIterationsWithTheReportsNumberFormat()
    {
        var run = CliRun.Of("train", ConfigPath, "--work-dir", WorkDir, "--set", "trainer:max_iters=2", "--set", "trainer:max_epochs=null").Succeeded();
        Assert.Contains("Training completed after 2 of 2 iterations.", run.Out);
        // Every metric with two decimals, as evaluation.md prints it.
        var metrics = run.Rows().Where(r => r.Length == 2 && r[0].StartsWith("accuracy/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(metrics);
        Assert.All(metrics, r => Assert.Matches(@"^\d+\.\d\d$", r[1]));
    }

    [Fact]
    public void AnUnwritableCheckpointFolderIsOneErrorLineBeforeAnyTraining()
    {
        Directory.CreateDirectory(WorkDir);
        File.WriteAllText(Path.Combine(WorkDir, "checkpoints"), "a file where the checkpoint folder goes");
        var run = CliRun.Of("train", ConfigPath, "--work-dir", WorkDir, "--set", "trainer:max_epochs=50").Failed();
        Assert.StartsWith($"error: The checkpoint folder '{Path.Combine(WorkDir, "checkpoints")}' cannot be written, so no checkpoint could be saved: ", run.Err);
        Assert.Single(run.Err.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", run.Out);
        Assert.DoesNotContain("Epoch(train)", run.Out);
    }

    [Fact]
    public async Task TheRunHeaderShowsTheIdleSpinSettingsAndAValueFromTheEnvironmentWins()
    {
        // A fresh process: the settings are made when the native library loads.
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Vision.Cli.dll"), "train", ConfigPath, "--work-dir", WorkDir])
        { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["GOMP_SPINCOUNT"] = "123";
        start.Environment.Remove("OPENBLAS_THREAD_TIMEOUT");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, await error);
        Assert.Contains("idle threads spin briefly (GOMP_SPINCOUNT=123, OPENBLAS_THREAD_TIMEOUT=4)", await output);
    }

    [Fact]
    public async Task ASecondCtrlCEndsTheRunAtOnceWithoutACrash()
    {
        // Steps slow enough (ResNet-50 at 224 pixels) that stopping after the first Ctrl-C takes longer than
        // System.CommandLine's termination timeout, which is when its handler used to throw on the second one.
        using var process = Process.Start(new ProcessStartInfo("dotnet",
            [Path.Combine(AppContext.BaseDirectory, "Vision.Cli.dll"), "train", ConfigPath, "--work-dir", WorkDir, "--set", "trainer:max_epochs=50",
             "--set", "model:type=resnet50", "--set", "model:img_size=224", "--set", """train_dataloader:pipeline=[{ "type": "Resize", "size": 224 }]"""])
        { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        var error = process.StandardError.ReadToEndAsync();
        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync()) is not null && !line.Contains("Intra-op threads", StringComparison.Ordinal))
        {
        }
        Assert.NotNull(line);
        var output = process.StandardOutput.ReadToEndAsync();
        await Task.Delay(500);
        Assert.Equal(0, Signals.kill(process.Id, Signals.SIGINT));
        await Task.Delay(50);
        Assert.Equal(0, Signals.kill(process.Id, Signals.SIGINT));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        var stderr = await error;
        Assert.True(process.ExitCode == TrainCommand.InterruptedExitCode, $"exit code {process.ExitCode}; stderr: {stderr}; stdout: {await output}");
        Assert.DoesNotContain("Unhandled exception", stderr);
        Assert.DoesNotContain("InvalidOperationException", stderr);
    }

    private static partial class Signals
    {
        public const int SIGINT = 2;

        [System.Runtime.InteropServices.LibraryImport("libc", SetLastError = true)]
        public static partial int kill(int pid, int sig);
    }

    private static string Line(string output, string label) =>
        output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(label, StringComparison.Ordinal))[label.Length..].Trim();
}
