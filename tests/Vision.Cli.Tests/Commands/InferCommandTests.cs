using System.Globalization;
using System.Text.Json;
using Vision.Data;
using Vision.Data.Image;
using Vision.Data.Transforms;
using Vision.Engine.Checkpoints;
using Vision.Engine.Inference;
using Vision.Models;
using Vision.Models.Registry;
using Vision.Serialization;

namespace Vision.Cli.Tests.Commands;

public sealed class InferCommandTests : IDisposable
{
    private const int ImageSize = 32;
    private static readonly string[] Classes = ["ant", "bee", "cow"];

    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("vision-cli-infer-");
    private readonly ImageClassifier model = ModelRegistry.Create("resnet18", num_classes: 3, img_size: ImageSize);
    private readonly List<string> images = [];

    public InferCommandTests()
    {
        // Images of different shapes: the resize and crop bring them to one size, so they batch together.
        images.Add(TestImages.Noise(Path.Combine(Root, "images", "a.png"), 40, 36, seed: 1));
        images.Add(TestImages.Noise(Path.Combine(Root, "images", "b.png"), 33, 50, seed: 2));
        images.Add(TestImages.Noise(Path.Combine(Root, "images", "sub", "c.png"), 64, 64, seed: 3));
    }

    public void Dispose()
    {
        model.Dispose();
        root.Delete(recursive: true);
    }

    private string Root => root.FullName;

    // The model's own softmax on the preprocessing infer applies by default: short side to 32·256/224 = 37, center
    // crop 32, ImageNet mean/std.
    private float[][] ExpectedScores()
    {
        using var scope = torch.NewDisposeScope();
        var pipeline = new Compose(new ResizeEdge(37), new CenterCrop(ImageSize),
            new Normalize(ImageClassificationInferencerOptions.ImageNetMean, ImageClassificationInferencerOptions.ImageNetStd));
        var inputs = images.Select((path, i) =>
        {
            using var sample = pipeline.Apply(new DataSample(ImageIO.Read(path), 0, i), new Random(0));
            return sample.Image.clone();
        }).ToList();
        model.eval();
        using var noGrad = torch.no_grad();
        var scores = model.forward(torch.stack(inputs)).softmax(1);
        return Enumerable.Range(0, images.Count).Select(i => scores[i].data<float>()).ToArray();
    }

    private static void AssertResultsMatch(float[][] expected, JsonElement results, IReadOnlyList<string> paths)
    {
        Assert.Equal(paths.Count, results.GetArrayLength());
        for (var i = 0; i < paths.Count; i++)
        {
            var result = results[i];
            var label = Array.IndexOf(expected[i], expected[i].Max());
            Assert.Equal(paths[i], result.GetProperty("img_path").GetString());
            Assert.Equal(label, result.GetProperty("pred_label").GetInt32());
            Assert.Equal(Classes[label], result.GetProperty("pred_class").GetString());
            Assert.Equal(expected[i][label], result.GetProperty("pred_score").GetSingle(), 1e-5f);
            var scores = result.GetProperty("pred_scores").EnumerateArray().Select(s => s.GetSingle()).ToArray();
            Assert.Equal(3, scores.Length);
            for (var k = 0; k < 3; k++)
            {
                Assert.Equal(expected[i][k], scores[k], 1e-5f);
            }
        }
    }

    [Fact]
    public void AFolderIsClassifiedWithTheSavedWeightsAsTheModelItselfDoes()
    {
        var weights = Path.Combine(Root, "resnet18.safetensors");
        model.save(weights);
        var json = Path.Combine(Root, "results.json");

        var run = CliRun.Of("infer", Path.Combine(Root, "images"), "--model", "resnet18", "--checkpoint", weights,
            "--classes", string.Join(",", Classes), "--img-size", "32", "--batch-size", "2", "--json", json).Succeeded();

        var expected = ExpectedScores();
        using var results = JsonDocument.Parse(File.ReadAllText(json));
        AssertResultsMatch(expected, results.RootElement, images);
        // The table: one row per image with its label, class and score.
        var rows = run.Rows();
        Assert.Equal(["file", "pred_label", "pred_class", "pred_score"], rows[1]);
        for (var i = 0; i < images.Count; i++)
        {
            var label = Array.IndexOf(expected[i], expected[i].Max());
            Assert.Equal([images[i], label.ToString(CultureInfo.InvariantCulture), Classes[label], expected[i][label].ToString("F4", CultureInfo.InvariantCulture)], rows[2 + i]);
        }
        Assert.Contains($"Wrote 3 results to {json}.", run.Out);
    }

    [Fact]
    public void AnUnreadableFileInAFolderIsReportedAndTheOthersStillGetTheirAnswers()
    {
        var weights = Path.Combine(Root, "resnet18.safetensors");
        model.save(weights);
        var broken = Path.Combine(Root, "images", "broken.png");
        File.WriteAllBytes(broken, [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);
        var json = Path.Combine(Root, "results.json");

        var run = CliRun.Of("infer", Path.Combine(Root, "images"), "--model", "resnet18", "--checkpoint", weights,
            "--classes", string.Join(",", Classes), "--img-size", "32", "--batch-size", "2", "--json", json).Failed();

        using var results = JsonDocument.Parse(File.ReadAllText(json));
        AssertResultsMatch(ExpectedScores(), results.RootElement, images);
        Assert.Contains($"unreadable: Cannot decode {broken}", run.Out);
        Assert.StartsWith($"error: 1 of 4 images could not be read: Cannot decode {broken}", run.Err);
    }

    [Fact]
    public void ATorchvisionLayoutPyTorchFileIsRecognisedByContentAndKeys()
    {
        // torch.save's format under a .bin name, with torchvision's keys (conv1, layer1.0.conv1, fc): both are detected.
        var weights = Path.Combine(Root, "resnet18_torchvision.bin");
        using (var scope = torch.NewDisposeScope())
        {
            TorchCheckpoint.Save(model.state_dict().ToDictionary(e => e.Key.StartsWith("head.", StringComparison.Ordinal) ? e.Key[5..] : e.Key[9..], e => e.Value), weights);
        }
        var json = Path.Combine(Root, "results.json");

        CliRun.Of("infer", Path.Combine(Root, "images"), "--model", "resnet18", "--checkpoint", weights,
            "--classes", string.Join(",", Classes), "--img-size", "32", "--json", json).Succeeded();

        using var results = JsonDocument.Parse(File.ReadAllText(json));
        AssertResultsMatch(ExpectedScores(), results.RootElement, images);
    }

    [Fact]
    public void AWorkDirLoadsTheModelPartOfItsLatestTrainerCheckpoint()
    {
        var checkpoints = Path.Combine(Root, "work", "checkpoints");
        using (var checkpoint = new Checkpoint())
        {
            using var scope = torch.NewDisposeScope();
            foreach (var (key, tensor) in model.state_dict())
            {
                checkpoint.Tensors[Checkpoint.ModelPrefix + key] = tensor;
            }
            // Optimizer state lives next to the model's tensors and must be ignored.
            checkpoint.Tensors[Checkpoint.OptimizerPrefix + "0.momentum_buffer"] = torch.zeros(3);
            new FileCheckpointStore(checkpoints).Save("epoch_1", checkpoint, updateLatest: true);
        }
        File.WriteAllLines(Path.Combine(Root, "classes.txt"), Classes);
        var list = Path.Combine(Root, "images", "list.txt");
        File.WriteAllLines(list, ["sub/c.png", "a.png"]);

        var run = CliRun.Of("infer", list, "-m", "resnet18", "-c", Path.Combine(Root, "work"), "--classes", Path.Combine(Root, "classes.txt"),
            "--img-size", "32", "--topk", "3", "--json", "-").Succeeded();

        var expected = ExpectedScores();
        using var results = JsonDocument.Parse(run.Out);
        AssertResultsMatch([expected[2], expected[0]], results.RootElement, [Path.Combine(Root, "images", "sub/c.png"), Path.Combine(Root, "images", "a.png")]);
    }

    [Fact]
    public void TopKListsTheMostProbableClassesInOrder()
    {
        var weights = Path.Combine(Root, "resnet18.safetensors");
        model.save(weights);

        var run = CliRun.Of("infer", images[0], "-m", "resnet18", "-c", weights, "--classes", string.Join(",", Classes),
            "--img-size", "32", "--topk", "2").Succeeded();

        var scores = ExpectedScores()[0];
        var top = Enumerable.Range(0, 3).OrderByDescending(k => scores[k]).Take(2)
            .Select(k => $"{Classes[k]} {scores[k].ToString("F4", CultureInfo.InvariantCulture)}");
        Assert.Equal("top-2", run.Rows()[1][^1]);
        Assert.Equal(string.Join(", ", top), run.Rows()[2][^1]);
    }

    [Fact]
    public void WeightsForAnotherClassCountAreAnErrorNamingTheMismatch()
    {
        var weights = Path.Combine(Root, "resnet18.safetensors");
        model.save(weights);
        var run = CliRun.Of("infer", images[0], "-m", "resnet18", "-c", weights, "--num-classes", "5", "--img-size", "32").Failed();
        Assert.Contains("head.fc.weight", run.Err);
    }

    [Fact]
    public void EmaWeightsAreOnlyTakenFromACheckpointThatHasThem()
    {
        var weights = Path.Combine(Root, "resnet18.safetensors");
        model.save(weights);
        var run = CliRun.Of("infer", images[0], "-m", "resnet18", "-c", weights, "--num-classes", "3", "--img-size", "32", "--ema").Failed();
        Assert.Contains($"--ema: {weights} holds no EMA weights", run.Err);
    }

    [Fact]
    public void ANegativeCropIsAParseErrorNamingTheOption()
    {
        var run = CliRun.Of("infer", images[0], "-m", "resnet18", "-c", "x", "--crop", "-1");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--crop must be 0 or more, got -1.", run.Err);
    }

    [Fact]
    public void AMissingCheckpointIsAnErrorNamingIt()
    {
        var missing = Path.Combine(Root, "no-checkpoint.safetensors");
        var run = CliRun.Of("infer", images[0], "-m", "resnet18", "-c", missing).Failed();
        Assert.Contains(missing, run.Err);
    }

    [Fact]
    public void AMissingImageIsAnErrorNamingIt()
    {
        var weights = Path.Combine(Root, "resnet18.safetensors");
        model.save(weights);
        var missing = Path.Combine(Root, "images", "zebra.png");
        var run = CliRun.Of("infer", missing, "-m", "resnet18", "-c", weights, "--num-classes", "3", "--img-size", "32").Failed();
        Assert.Contains(missing, run.Err);
    }

    [Fact]
    public void AnUnknownModelIsAnErrorNamingIt()
    {
        var run = CliRun.Of("infer", images[0], "-m", "resnet19", "-c", Path.Combine(Root, "x.safetensors")).Failed();
        Assert.Contains("Unknown model 'resnet19'", run.Err);
        Assert.Contains("resnet18", run.Err);
    }

    [Fact]
    public void ClassNamesAndNumClassesMustAgree()
    {
        var run = CliRun.Of("infer", images[0], "-m", "resnet18", "-c", "x", "--classes", "a,b", "--num-classes", "3").Failed();
        Assert.Contains("--num-classes 3 does not match the 2 names of --classes", run.Err);
    }
}
