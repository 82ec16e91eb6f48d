using System.Globalization;
using Vision.Data.Image;
using Vision.Data.Transforms;
using Vision.Tests.Reference;

namespace Vision.Data.Tests.Transforms;

public sealed class ColorTests
{
    private static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    [SkippableFact]
    public void ColorJitterAppliesTorchvisionOpsInItsRandomOrder()
    {
        TorchReference.Require();
        using var scope = torch.NewDisposeScope();
        var image = TestImages.Random(17, 21, 3, seed: 11);
        var jitter = new ColorJitter(brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1);
        int[] seeds = [1, 2, 3, 4];
        var script = "import torchvision.transforms.functional as TF\n";
        var ours = new List<byte[]>();
        foreach (var seed in seeds)
        {
            using var sample = TestImages.Sample(image.clone());
            ours.Add(jitter.Apply(sample, new Random(seed)).Image.data<byte>());
            // Replay the draws: the order first, then the four factors.
            var rng = new Random(seed);
            var order = Sampling.Permutation(rng, 4);
            string[] calls =
            [
                $"TF.adjust_brightness(x, {F(Sampling.Uniform(rng, 0.6, 1.4))})",
                $"TF.adjust_contrast(x, {F(Sampling.Uniform(rng, 0.6, 1.4))})",
                $"TF.adjust_saturation(x, {F(Sampling.Uniform(rng, 0.6, 1.4))})",
                $"TF.adjust_hue(x, {F(Sampling.Uniform(rng, -0.1, 0.1))})",
            ];
            script += "x = inp['img'].permute(2, 0, 1).contiguous()\n" + string.Concat(order.Select(i => $"x = {calls[i]}\n")) +
                $"out['s{seed}'] = x.permute(1, 2, 0)\n";
        }
        var expected = TorchReference.Run(script, new Dictionary<string, Tensor> { ["img"] = image });
        for (var i = 0; i < seeds.Length; i++)
        {
            Assert.Equal(TorchReference.Doubles(expected.GetProperty($"s{seeds[i]}")), ours[i].Select(v => (double)v));
        }
    }

    [Fact]
    public void ColorJitterRangesFollowTorchvision()
    {
        var jitter = new ColorJitter(brightness: 1.5, contrast: 0.2, saturation: 0, hue: 0.5);
        Assert.Equal((0.0, 2.5), jitter.Brightness); // 1 - 1.5 is clipped at 0
        var (low, high) = jitter.Contrast!.Value;
        Assert.Equal(0.8, low, 12);
        Assert.Equal(1.2, high, 12);
        Assert.Null(jitter.Saturation);
        Assert.Equal((-0.5, 0.5), jitter.Hue);
        var identity = new ColorJitter(brightness: (1.0, 1.0), contrast: null, saturation: (0.5, 0.5), hue: (0.0, 0.0));
        Assert.Null(identity.Brightness);
        Assert.Null(identity.Hue);
        Assert.Equal((0.5, 0.5), identity.Saturation);
    }

    [Fact]
    public void ColorJitterWithOneFixedFactorIsThatOp()
    {
        using var image = TestImages.Random(5, 6, 3, seed: 2);
        using var sample = TestImages.Sample(image.clone());
        new ColorJitter(brightness: null, contrast: null, saturation: (0.0, 0.0), hue: null).Apply(sample, new Random(0));
        using var gray = ImageOps.Grayscale(image, 3);
        Assert.True(gray.equal(sample.Image));
    }

    [Fact]
    public void RandomGrayscaleKeepsTheChannelCount()
    {
        using var image = TestImages.Random(4, 5, 3, seed: 3);
        using (var sample = TestImages.Sample(image.clone()))
        {
            new RandomGrayscale(1.0).Apply(sample, new Random(0));
            Assert.Equal(new long[] { 4, 5, 3 }, sample.Image.shape);
            var data = sample.Image.data<byte>();
            var source = image.data<byte>();
            for (var i = 0; i < data.Length; i += 3)
            {
                Assert.Equal(data[i], data[i + 1]);
                Assert.Equal(data[i], data[i + 2]);
                // torchvision's luma, truncated
                Assert.Equal((byte)(float)(0.2989f * source[i] + 0.587f * source[i + 1] + 0.114f * source[i + 2]), data[i]);
            }
        }
        using (var sample = TestImages.Sample(image.clone()))
        {
            new RandomGrayscale(0.0).Apply(sample, new Random(0));
            Assert.True(image.equal(sample.Image));
        }
        using (var sample = TestImages.Sample(TestImages.Random(4, 5, 1, seed: 3)))
        {
            new RandomGrayscale(1.0).Apply(sample, new Random(0));
            Assert.Equal(new long[] { 4, 5, 1 }, sample.Image.shape);
        }
    }
}
