using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Vision.Cli.Tests.Commands;

public sealed class EvolveCommandTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("vision-cli-evolve-");

    public EvolveCommandTests()
    {
        // Two classes told apart by brightness.
        foreach (var (split, count) in new[] { ("train", 8), ("val", 4) })
        {
            for (var n = 0; n < count; n++)
            {
                TestImages.Noise(Path.Combine(root.FullName, split, "dark", $"{n}.png"), 8, 8, seed: n);
                TestImages.Write(Path.Combine(root.FullName, split, "bright", $"{n}.png"), 8, 8, (y, x, _) => (byte)(180 + ((y * 8 + x + n) % 60)));
            }
        }
        File.WriteAllText(ConfigPath, $$"""
            {
              "model": { "type": "resnet18", "img_size": 8 },
              "train_dataloader": { "batch_size": 8, "shuffle": true, "dataset": { "type": "ImageFolder", "root": "{{Path.Combine(root.FullName, "train")}}" } },
              "val_dataloader": { "batch_size": 8, "dataset": { "type": "ImageFolder", "root": "{{Path.Combine(root.FullName, "val")}}" } },
              "optim_wrapper": { "optimizer": { "type": "AdamW", "lr": 0.001, "weight_decay": 0.05 } },
              "val_evaluator": [ { "type": "Accuracy" } ],
              "trainer": { "max_epochs": 1, "seed": 1, "progress_bar": false }
            }
            """);
    }

    private string ConfigPath => Path.Combine(root.FullName, "run.json");

    private string EvolveDir => Path.Combine(root.FullName, "evolve");

    public void Dispose() => root.Delete(recursive: true);

    [Fact]
    public void EvolveRunsResumesAndWritesABestOverrideFileThatTrainTakes()
    {
        var first = CliRun.Of("evolve", ConfigPath, "--generations", "2", "--iters", "2", "--seed", "3", "--parent", "weighted",
            "--fitness", "accuracy/top1", "--work-dir", EvolveDir).Succeeded();
        Assert.Contains("generation 1: fitness", first.Out);
        Assert.Contains("best: generation", first.Out);
        Assert.Equal(["lr", "0.001"], first.Rows().Single(r => r[0] == "lr")[..2]);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(EvolveDir, "evolve.csv")).Length);

        CliRun.Of("evolve", ConfigPath, "--generations", "3", "--iters", "2", "--work-dir", EvolveDir).Failed();
        var resumed = CliRun.Of("evolve", ConfigPath, "--generations", "3", "--iters", "2", "--seed", "3", "--parent", "weighted",
            "--work-dir", EvolveDir, "--resume").Succeeded();
        Assert.Contains("generation 2: fitness", resumed.Out);
        Assert.DoesNotContain("generation 1: fitness", resumed.Out);
        var rows = File.ReadAllLines(Path.Combine(EvolveDir, "evolve.csv"));
        Assert.Equal(4, rows.Length);
        Assert.True(File.Exists(Path.Combine(EvolveDir, "evolve.png")));

        // best_overrides.txt is a response file of --set lines for train.
        var bestLr = File.ReadAllLines(Path.Combine(EvolveDir, "best_overrides.txt"))[1].Split('=')[1];
        var trainDir = Path.Combine(root.FullName, "train-best");
        CliRun.Of("train", ConfigPath, "@" + Path.Combine(EvolveDir, "best_overrides.txt"), "--set", "trainer:max_iters=1",
            "--set", "trainer:max_epochs=null", "--work-dir", trainDir).Succeeded();
        var saved = JsonNode.Parse(File.ReadAllText(Path.Combine(trainDir, "config.json")))!;
        Assert.Equal(double.Parse(bestLr, System.Globalization.CultureInfo.InvariantCulture), saved["optim_wrapper"]!["optimizer"]!["lr"]!.GetValue<double>());
    }

    [Fact]
    public async Task TwoProcessesSharingAnEvolveFolderTrainEachGenerationOnce()
    {
        // Real `vision evolve --resume` processes on one folder: they claim generations under the file lock.
        Process Start() => Process.Start(new ProcessStartInfo("dotnet",
            [Path.Combine(AppContext.BaseDirectory, "Vision.Cli.dll"), "evolve", ConfigPath, "--generations", "6", "--iters", "1", "--work-dir", EvolveDir, "--resume"])
        { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        using var first = Start();
        using var second = Start();
        var outputs = new List<string>();
        foreach (var process in new[] { first, second })
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, await error + await output);
            outputs.Add(await output);
        }
        var trained = outputs.SelectMany(o => o.Split('\n')).Where(l => l.StartsWith("generation ", StringComparison.Ordinal))
            .Select(l => int.Parse(l["generation ".Length..l.IndexOf(':')], System.Globalization.CultureInfo.InvariantCulture)).Order();
        Assert.Equal([0, 1, 2, 3, 4, 5], trained);
        var generations = File.ReadAllLines(Path.Combine(EvolveDir, "evolve.csv")).Skip(1).Select(l => l.Split(',')[0]).Order();
        Assert.Equal(["0", "1", "2", "3", "4", "5"], generations);
    }

    [Fact]
    public void BadEvolveSettingsAreReportedWithTheirPath()
    {
        Assert.Contains("'best'", CliRun.Of("evolve", ConfigPath, "--generations", "2", "--parent", "best").Err);
        var run = CliRun.Of("evolve", ConfigPath, "--generations", "1", "--iters", "1", "--fitness", "f1", "--work-dir", EvolveDir).Failed();
        Assert.Contains("evolve:fitness", run.Err);
        Assert.Contains("'f1'", run.Err);
    }
}
