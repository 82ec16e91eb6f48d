using System.Text.Json;
using Vision.Serialization;
using Vision.Data.Image;
using Vision.Engine.Segmentation;
using Vision.Models.Registry;
using Vision.Models.Segmentation.Sam;

namespace Vision.Cli.Tests.Commands;

/// <summary>
/// <c>vision segment</c> with SAM ViT-B and seeded weights saved as a .pth: the prompted masks and scores equal
/// SamPredictor's, the mask PNGs, RLEs and boxes agree, the overlay has the image's size, the automatic mode writes
/// consistent masks (both Slow: ViT-B at 1024 px, its 375 MB checkpoint written and read, takes minutes on a loaded
/// two-core machine), and mistakes in the prompts are reported by name before any model is built.
/// </summary>
public sealed class SegmentCommandTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("vision-segment-");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    [Trait("Category", "Slow")]
    public void PromptedMasksEqualThePredictorsAndTheFilesAgree()
    {
        var (checkpoint, model) = SeededVitB();
        using var _ = model;
        var image = TestImages.Write(Path.Combine(dir.FullName, "shapes.png"), 48, 64, (y, x, c) => (byte)((x - 30) * (x - 30) + (y - 20) * (y - 20) < 150 ? 40 * c + 100 : 20));
        var output = Path.Combine(dir.FullName, "out");
        CliRun.Of("segment", image, "--model", "sam_vit_b", "--checkpoint", checkpoint, "--point", "30,20", "--point", "5,40,0",
            "--box", "10,5,50,35", "--multimask", "-o", output).Succeeded();

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "shapes.json")));
        var masks = json.RootElement.GetProperty("masks").EnumerateArray().ToList();
        Assert.Equal(3, masks.Count);
        using var scope = torch.NewDisposeScope();
        using var predictor = new SamPredictor(model);
        predictor.SetImage(ImageIO.Read(image));
        using var expected = predictor.Predict(torch.tensor(new[] { 30f, 20f, 5f, 40f }, 2, 2), torch.tensor(new[] { 1f, 0f }, 2), torch.tensor(new[] { 10f, 5f, 50f, 35f }, 4));
        var scores = expected.IouPredictions.data<float>();
        var order = Enumerable.Range(0, 3).OrderByDescending(i => scores[i]).ToList();
        for (var k = 0; k < 3; k++)
        {
            var entry = masks[k];
            Assert.Equal(scores[order[k]], entry.GetProperty("score").GetDouble(), 1e-6);
            var segmentation = entry.GetProperty("segmentation");
            var rle = MaskRle.FromCocoString(48, 64, segmentation.GetProperty("counts").GetString()!);
            Assert.Equal(MaskRle.Encode(expected.Masks[order[k]].unsqueeze(0))[0].Counts, rle.Counts);
            var png = ImageIO.Read(Path.Combine(output, entry.GetProperty("file").GetString()!), ImageReadMode.Grayscale);
            Assert.True(png.squeeze(2).gt(127).eq(rle.Decode()).all().item<bool>(), $"mask PNG {k} shows its RLE");
            Assert.Equal(rle.Area, entry.GetProperty("area").GetInt64());
            var box = SamMaskOps.MasksToBoxes(rle.Decode().unsqueeze(0)).data<long>();
            Assert.Equal([box[0], box[1], box[2] - box[0], box[3] - box[1]], entry.GetProperty("bbox").EnumerateArray().Select(v => v.GetInt64()));
        }
        var overlay = ImageIO.Read(Path.Combine(output, "shapes_overlay.png"));
        Assert.Equal(new long[] { 48, 64, 3 }, overlay.shape);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void AutomaticModeWritesConsistentMasks()
    {
        var (checkpoint, model) = SeededVitB();
        model.Dispose();
        var image = TestImages.Noise(Path.Combine(dir.FullName, "noise.png"), 32, 40, 3);
        var output = Path.Combine(dir.FullName, "auto");
        // Random weights: the filters are opened so that masks come out at all.
        var run = CliRun.Of("segment", image, "--checkpoint", checkpoint, "--auto", "--points-per-side", "3", "--pred-iou-thresh", "0",
            "--stability-score-thresh", "0", "--box-nms-thresh", "1", "-o", output).Succeeded();
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "noise.json")));
        var masks = json.RootElement.GetProperty("masks").EnumerateArray().ToList();
        Assert.Contains($"{masks.Count} mask(s)", run.Out, StringComparison.Ordinal);
        Assert.NotEmpty(masks);
        foreach (var entry in masks)
        {
            var rle = MaskRle.FromCocoString(32, 40, entry.GetProperty("segmentation").GetProperty("counts").GetString()!);
            Assert.Equal(rle.Area, entry.GetProperty("area").GetInt64());
            Assert.Equal(2, entry.GetProperty("point_coords").GetArrayLength());
            Assert.True(File.Exists(Path.Combine(output, entry.GetProperty("file").GetString()!)));
        }
    }

    [Fact]
    public void PromptMistakesAreNamed()
    {
        var image = TestImages.Noise(Path.Combine(dir.FullName, "noise.png"), 32, 40, 3);
        var checkpoint = Path.Combine(dir.FullName, "missing.pth");
        Assert.Contains("--point or a --box", CliRun.Of("segment", image, "--checkpoint", checkpoint).Failed().Err, StringComparison.Ordinal);
        Assert.Contains("--auto segments everything", CliRun.Of("segment", image, "--checkpoint", checkpoint, "--auto", "--point", "1,2").Failed().Err, StringComparison.Ordinal);
        Assert.Contains("--point: '1,2,7'", CliRun.Of("segment", image, "--checkpoint", checkpoint, "--point", "1,2,7").Failed().Err, StringComparison.Ordinal);
        Assert.Contains("--box: '5,5,1,9'", CliRun.Of("segment", image, "--checkpoint", checkpoint, "--box", "5,5,1,9").Failed().Err, StringComparison.Ordinal);
        Assert.Contains("not a Segment Anything model", CliRun.Of("segment", image, "--model", "resnet18", "--checkpoint", checkpoint, "--auto").Failed().Err, StringComparison.Ordinal);
        Assert.Contains("missing.pth", CliRun.Of("segment", image, "--checkpoint", checkpoint, "--auto").Failed().Err, StringComparison.Ordinal);
    }

    // SAM ViT-B with seeded weights, written as an official-style .pth state dict.
    private (string Path, Sam Model) SeededVitB()
    {
        torch.manual_seed(2);
        var model = (Sam)ModelRegistry.CreateModule("sam_vit_b");
        using (torch.no_grad())
        {
            using var generator = new Generator(6);
            foreach (var p in model.parameters())
            {
                using var noise = torch.randn(p.shape, ScalarType.Float32, generator: generator);
                p.add_(noise.mul_(0.05));
            }
        }
        var path = Path.Combine(dir.FullName, "sam_vit_b_seeded.pth");
        TorchCheckpoint.Save(model.state_dict(), path);
        return (path, model);
    }
}
