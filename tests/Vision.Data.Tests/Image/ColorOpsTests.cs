using System.Text.Json;
using Vision.Data.Image;
using Vision.Data.Transforms;
using Vision.Tests.Reference;

namespace Vision.Data.Tests.Image;

/// <summary>The colour and value operations against torchvision's functional ops on the same uint8 image.</summary>
public sealed class ColorOpsTests
{
    private static readonly AugmentSettings Settings = new(0, 10, AugmentSettings.DefaultFill, Interpolation.Bilinear);

    // Each case: the name torchvision's result is stored under, our result, and the torchvision call on x (C, H, W).
    private static (string Name, Func<Tensor, Tensor> Ours, string Torchvision)[] Cases =>
    [
        ("brightness", img => ImageOps.AdjustBrightness(img, 1.37), "TF.adjust_brightness(x, 1.37)"),
        ("darker", img => ImageOps.AdjustBrightness(img, 0.41), "TF.adjust_brightness(x, 0.41)"),
        ("contrast", img => ImageOps.AdjustContrast(img, 1.6), "TF.adjust_contrast(x, 1.6)"),
        ("flat", img => ImageOps.AdjustContrast(img, 0.3), "TF.adjust_contrast(x, 0.3)"),
        ("saturation", img => ImageOps.AdjustSaturation(img, 1.8), "TF.adjust_saturation(x, 1.8)"),
        ("hue_plus", img => ImageOps.AdjustHue(img, 0.23), "TF.adjust_hue(x, 0.23)"),
        ("hue_minus", img => ImageOps.AdjustHue(img, -0.41), "TF.adjust_hue(x, -0.41)"),
        ("sharpness", img => ImageOps.AdjustSharpness(img, 1.9), "TF.adjust_sharpness(x, 1.9)"),
        ("gray3", img => ImageOps.Grayscale(img, 3), "TF.rgb_to_grayscale(x, 3)"),
        ("gray1", img => ImageOps.Grayscale(img, 1), "TF.rgb_to_grayscale(x, 1)"),
        // RandAugment's operations at their timm magnitudes: the level mapping and the op together.
        ("equalize", img => Op("Equalize", 0, img), "TF.equalize(x)"),
        ("autocontrast", img => Op("AutoContrast", 0, img), "TF.autocontrast(x)"),
        ("invert", img => Op("Invert", 0, img), "TF.invert(x)"),
        ("posterize", img => Op("Posterize", 5, img), "TF.posterize(x, 2)"),          // int(0.5 · 4) bits
        ("posterize_original", img => Op("PosterizeOriginal", 5, img), "TF.posterize(x, 6)"),
        ("solarize", img => Op("Solarize", 5, img), "TF.solarize(x, 128)"),            // int(0.5 · 256)
        ("solarize_increasing", img => Op("SolarizeIncreasing", 3, img), "TF.solarize(x, 180)"), // 256 - int(0.3 · 256)
        ("color", img => Op("Color", 10, img), "TF.adjust_saturation(x, 1.9)"),       // 1.0 · 1.8 + 0.1
        ("op_contrast", img => Op("Contrast", 0, img), "TF.adjust_contrast(x, 0.1)"),
        ("op_sharpness", img => Op("Sharpness", 5, img), "TF.adjust_sharpness(x, 1.0)"),
    ];

    private static Tensor Op(string name, double magnitude, Tensor image) =>
        new AugmentOp(name, 1.0, magnitude, Settings).Apply(image, new Random(0));

    [SkippableFact]
    public void MatchTorchvisionExactly()
    {
        TorchReference.Require();
        using var scope = torch.NewDisposeScope();
        // Random pixels plus a band of grays, where hue and saturation have edge cases (max == min).
        var image = torch.cat([TestImages.Random(23, 19, 3, seed: 7), TestImages.Make(3, 19, 3, (y, x, _) => 13 * x + y)], 0);
        var script = "import torchvision.transforms.functional as TF\nx = inp['img'].permute(2, 0, 1).contiguous()\n" +
            string.Join("\n", Cases.Select(c => $"out[{JsonSerializer.Serialize(c.Name)}] = ({c.Torchvision}).permute(1, 2, 0)"));
        var expected = TorchReference.Run(script, new Dictionary<string, Tensor> { ["img"] = image });
        foreach (var (name, ours, _) in Cases)
        {
            var actual = ours(image).data<byte>().Select(v => (double)v).ToArray();
            Assert.True(TorchReference.Doubles(expected.GetProperty(name)).SequenceEqual(actual), $"{name} differs from torchvision");
        }
    }

    [Fact]
    public void SolarizeAddAddsBelowTheThreshold()
    {
        using var image = TestImages.Make(1, 256, 1, (_, x, _) => x);
        using var result = Op("SolarizeAdd", 10, image); // adds int(1.0 · 110) below 128
        var values = result.data<byte>();
        for (var v = 0; v < 256; v++)
        {
            Assert.Equal(v < 128 ? Math.Min(255, v + 110) : v, values[v]);
        }
    }

    [Fact]
    public void ColourOpsKeepSingleChannelImages()
    {
        using var scope = torch.NewDisposeScope();
        var gray = TestImages.Random(6, 5, 1, seed: 2);
        Assert.True(ImageOps.AdjustSaturation(gray, 0.2).equal(gray));
        Assert.True(ImageOps.AdjustHue(gray, 0.3).equal(gray));
        // Brightness works on any channel count: 0 gives black.
        Assert.Equal(0, ImageOps.AdjustBrightness(gray, 0).sum().item<long>());
        var e = Assert.Throws<TorchException>(() => ImageOps.AdjustHue(TestImages.Random(2, 2, 4, seed: 1), 0.1));
        Assert.Contains("adjust_hue: expected 1 (gray) or 3 (RGB) channels, got 4", e.Message);
    }
}
