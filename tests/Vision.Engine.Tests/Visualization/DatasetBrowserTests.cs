using System.Globalization;
using Vision.Data.Image;
using Vision.Engine.Configuration;
using Vision.Engine.Tests.Configuration;
using Vision.Engine.Tests.Training;
using Vision.Engine.Visualization.Gallery;

namespace Vision.Engine.Tests.Visualization;

/// <summary>
/// browse-dataset's tiles after Mixup and CutMix: each class is one pure colour, so every mixed image tells its own λ
/// (Mixup: where its colour lies between two class colours; CutMix: the share of pixels pasted from the partner), and
/// the caption must name those classes with λ·(1 − ε) + ε/K and (1 − λ)·(1 − ε) + ε/K.
/// </summary>
[Collection(TrainerCollection.Name)]
public sealed class DatasetBrowserTests : IDisposable
{
    private const double Smoothing = 0.1;

    // Corners of the colour cube that no blend of two others passes through.
    private static readonly Dictionary<string, int[]> Colours = new()
    {
        ["black"] = [0, 0, 0], ["blue"] = [0, 0, 255], ["green"] = [0, 255, 0], ["red"] = [255, 0, 0],
    };

    private readonly ConfigFiles files = new();

    public void Dispose() => files.Dispose();

    [Fact]
    public void MixupAndCutMixCaptionsNameBothClassesWithTheWeightsTheMixedPixelsShow()
    {
        foreach (var (name, colour) in Colours)
        {
            Directory.CreateDirectory(Path.Combine(files.Root, "data", name));
            for (var n = 0; n < 4; n++)
            {
                using var image = torch.tensor(Enumerable.Range(0, 8 * 8 * 3).Select(i => (byte)colour[i % 3]).ToArray(), [8, 8, 3]);
                ImageIO.Write(Path.Combine(files.Root, "data", name, $"{n}.png"), image);
            }
        }
        // Elem mode: every sample draws its own λ and, with switch_prob 0.5, its own choice of Mixup or CutMix.
        var config = files.Write("browse.json", $$"""
            {
              "model": { "type": "resnet18", "img_size": 8 },
              "train_dataloader": { "batch_size": 16, "shuffle": true, "dataset": { "type": "ImageFolder", "root": "{{files.Root}}/data" } },
              "optim_wrapper": { "optimizer": { "type": "SGD", "lr": 0.1 } },
              "batch_augment": { "type": "Mixup", "mixup_alpha": 1.0, "cutmix_alpha": 1.0, "mode": "Elem", "label_smoothing": {{Smoothing}} },
              "trainer": { "max_epochs": 1, "seed": 3, "progress_bar": false, "data_preprocessor": { "mean": [127.5], "std": [127.5] } }
            }
            """);
        using var experiment = Experiment.FromConfig(Config.FromFile(config), Path.Combine(files.Root, "work"));
        Assert.Equal(["black", "blue", "green", "red"], experiment.Classes);

        var tiles = DatasetBrowser.Tiles(experiment, "train", 16);

        Assert.Equal(16, tiles.Count);
        var (mixups, cutmixes) = (0, 0);
        foreach (var tile in tiles)
        {
            var (shares, kind) = ClassShares(tile);
            mixups += kind == "mixup" ? 1 : 0;
            cutmixes += kind == "cutmix" ? 1 : 0;
            var expected = shares.Where(s => s.Value >= 0.01).OrderByDescending(s => s.Value)
                .Select(s => (Name: s.Key, Weight: s.Value * (1 - Smoothing) + Smoothing / Colours.Count)).ToList();
            var caption = tile.Lines.Select(l => l.Split(' ', 2)).Select(p => (Name: p[1], Weight: double.Parse(p[0], CultureInfo.InvariantCulture))).ToList();
            var context = $"{kind} tile, caption [{string.Join(" | ", tile.Lines)}], pixels say [{string.Join(", ", expected.Select(e => $"{e.Weight:0.000} {e.Name}"))}]";
            Assert.True(expected.Select(e => e.Name).SequenceEqual(caption.Select(c => c.Name)), context);
            // Two decimals in the caption, and the mixed pixels are rounded to whole 0–255 values.
            Assert.All(expected.Zip(caption), p => Assert.True(Math.Abs(p.First.Weight - p.Second.Weight) <= 0.0075, context));
        }
        Assert.True(mixups >= 2 && cutmixes >= 2, $"{mixups} Mixup and {cutmixes} CutMix tiles: the test needs both kinds.");

        ImageGrid.Save(tiles, Path.Combine(AppContext.BaseDirectory, "browse-dataset", "mixup_cutmix.png"), "Mixup and CutMix (Elem mode)", columns: 8);
    }

    [Fact]
    public void AHardLabelIsItsClassAndASmoothedOneHotTargetOnlyItsClass()
    {
        string[] classes = ["a", "b", "c", "d"];
        using var hard = torch.tensor(2L);
        Assert.Equal(["c"], DatasetBrowser.Caption(hard, classes));
        using var smoothed = torch.tensor(new[] { 0.025f, 0.925f, 0.025f, 0.025f });
        Assert.Equal(["0.93 b"], DatasetBrowser.Caption(smoothed, classes));
        using var mixed = torch.tensor(new[] { 0.3f, 0.0f, 0.7f, 0.0f });
        Assert.Equal(["0.70 c", "0.30 a"], DatasetBrowser.Caption(mixed, classes));
        using var unnamed = torch.tensor(5L);
        Assert.Equal(["5"], DatasetBrowser.Caption(unnamed, classes));
    }

    // Each class's share of the image: a pure class colour is 1; a Mixup blend λ·a + (1 − λ)·b gives λ and 1 − λ; a
    // CutMix image of two class colours gives each its share of the pixels.
    private static (Dictionary<string, double> Shares, string Kind) ClassShares(GalleryTile tile)
    {
        var plane = tile.Height * tile.Width;
        var pixels = Enumerable.Range(0, plane).Select(i => new[] { tile.Pixels[i], tile.Pixels[plane + i], tile.Pixels[2 * plane + i] }).ToList();
        string? ClassOf(byte[] p) => Colours.FirstOrDefault(c => c.Value.Zip(p).All(v => v.First == v.Second)).Key;
        var groups = pixels.GroupBy(p => string.Join(",", p)).ToList();
        if (groups.All(g => ClassOf(g.First()) is not null))
        {
            var shares = groups.ToDictionary(g => ClassOf(g.First())!, g => (double)g.Count() / plane);
            return (shares, shares.Count == 1 ? "plain" : "cutmix");
        }
        Assert.True(groups.Count == 1, $"a {groups.Count}-colour image whose colours are not all class colours: {string.Join(" ", groups.Select(g => g.Key))}");
        var blend = pixels[0].Select(v => (double)v).ToArray();
        var best = (Residual: double.MaxValue, A: "", B: "", Lambda: 0.0);
        foreach (var (a, ca) in Colours)
        {
            foreach (var (b, cb) in Colours.Where(c => string.CompareOrdinal(c.Key, a) > 0))
            {
                // Least squares λ of blend = λ·a + (1 − λ)·b.
                var d = ca.Zip(cb, (x, y) => (double)(x - y)).ToArray();
                var lambda = blend.Zip(cb, (p, y) => p - y).Zip(d, (u, v) => u * v).Sum() / d.Sum(v => v * v);
                var residual = Enumerable.Range(0, 3).Max(k => Math.Abs(lambda * ca[k] + (1 - lambda) * cb[k] - blend[k]));
                if (residual < best.Residual)
                {
                    best = (residual, a, b, lambda);
                }
            }
        }
        Assert.True(best.Residual <= 1, $"the colour {string.Join(",", blend)} is no blend of two class colours");
        return (new Dictionary<string, double> { [best.A] = best.Lambda, [best.B] = 1 - best.Lambda }, "mixup");
    }
}
