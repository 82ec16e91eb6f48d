using Vision.Data.Image;
using Vision.Data.Transforms;

namespace Vision.Data.Tests.Transforms;

public sealed class AugmentTests
{
    private static byte[] Augment(ITransform transform, Tensor image, int seed)
    {
        using var sample = TestImages.Sample(image.clone());
        transform.Apply(sample, new Random(seed));
        Assert.Equal(image.shape, sample.Image.shape);
        Assert.Equal(ScalarType.Byte, sample.Image.dtype);
        return sample.Image.data<byte>();
    }

    [Fact]
    public void ParsesTimmRandAugmentConfigs()
    {
        var deit = RandAugment.Parse("rand-m9-mstd0.5-inc1");
        Assert.Equal((2, 9.0, 0.5, 10.0, 0.5), (deit.NumLayers, deit.Magnitude, deit.MagnitudeStd, deit.MagnitudeMax, deit.Probability));
        Assert.Equal(15, deit.Operations.Count);
        Assert.Contains("SolarizeIncreasing", deit.Operations);
        Assert.DoesNotContain("Solarize", deit.Operations);
        var other = RandAugment.Parse("rand-n3-m7-mstd101-mmax15-p0.7-inc0");
        Assert.Equal((3, 7.0, double.PositiveInfinity, 15.0, 0.7), (other.NumLayers, other.Magnitude, other.MagnitudeStd, other.MagnitudeMax, other.Probability));
        Assert.Contains("Solarize", other.Operations);
        var plain = RandAugment.Parse("rand");
        Assert.Equal((2, 10.0, 0.0), (plain.NumLayers, plain.Magnitude, plain.MagnitudeStd));
    }

    [Theory]
    [InlineData("rnd-m9", "must start with 'rand'")]
    [InlineData("rand-x5", "unknown section 'x'")]
    [InlineData("rand-w0", "'w' is not supported")]
    [InlineData("rand-m", "section 'm' is not a key followed by a number")]
    [InlineData("rand-mstd-1", "section 'mstd' is not")]
    public void RejectsBadRandAugmentConfigs(string config, string message)
    {
        var e = Assert.Throws<FormatException>(() => RandAugment.Parse(config));
        Assert.Contains(message, e.Message);
        Assert.Contains(config, e.Message);
    }

    [Fact]
    public void ParsesTimmAutoAugmentConfigs()
    {
        var aa = AutoAugment.Parse("original-mstd0.5");
        Assert.Equal((AutoAugmentPolicy.Original, 0.5), (aa.Policy, aa.MagnitudeStd));
        Assert.Equal(AutoAugmentPolicy.V0R, AutoAugment.Parse("v0r").Policy);
        Assert.Contains("unknown policy 'imagenet'", Assert.Throws<FormatException>(() => AutoAugment.Parse("imagenet")).Message);
        Assert.Contains("unknown section 'm'", Assert.Throws<FormatException>(() => AutoAugment.Parse("v0-m9")).Message);
    }

    public static TheoryData<string> Augmenters => ["rand-m9-mstd0.5-inc1", "rand-n4-m10", "original", "originalr-mstd0.5", "v0", "v0r"];

    private static ITransform Create(string config) =>
        config.StartsWith("rand", StringComparison.Ordinal) ? RandAugment.Parse(config) : AutoAugment.Parse(config);

    [Theory]
    [MemberData(nameof(Augmenters))]
    public void SameSeedSameResultAndSeedsVary(string config)
    {
        using var image = TestImages.Make(32, 40, 3, (y, x, c) => (5 * y + 3 * x + 60 * c) % 256);
        var transform = Create(config);
        var source = image.data<byte>();
        var results = Enumerable.Range(0, 24).Select(seed => Augment(transform, image, seed)).ToArray();
        Assert.Equal(results[5], Augment(transform, image, 5));
        var distinct = results.Select(Convert.ToBase64String).Distinct().Count();
        Assert.True(distinct >= 8, $"{config}: only {distinct} distinct results over 24 seeds");
        Assert.Contains(results, r => !r.SequenceEqual(source));
    }

    [Fact]
    public void GrayscaleImagesWork()
    {
        using var gray = TestImages.Random(16, 16, 1, seed: 4);
        foreach (var config in new[] { "rand-m9-mstd0.5-inc1", "original" })
        {
            for (var seed = 0; seed < 10; seed++)
            {
                Augment(Create(config), gray, seed);
            }
        }
    }

    private static AugmentSettings Nearest(double magnitudeMax = 10, double std = 0) => new(std, magnitudeMax, [7], Interpolation.Nearest);

    private static byte[] Op(string name, double magnitude, Tensor image, int seed, AugmentSettings settings)
    {
        using var result = new AugmentOp(name, 1.0, magnitude, settings).Apply(image, new Random(seed));
        return result.data<byte>();
    }

    [Fact]
    public void RotateTurnsAboutTheCentre()
    {
        const int n = 9;
        using var image = TestImages.Make(n, n, 1, (y, x, _) => 16 * y + x);
        var source = image.data<byte>();
        for (var seed = 0; seed < 6; seed++)
        {
            // Magnitude 30 on a 0-30 scale: level 3, 90°, in a random direction.
            var rotated = Op("Rotate", 30, image, seed, Nearest(magnitudeMax: 30));
            var counterClockwise = Enumerable.Range(0, n * n).All(i => rotated[i] == source[(i % n) * n + (n - 1 - i / n)]);
            var clockwise = Enumerable.Range(0, n * n).All(i => rotated[i] == source[(n - 1 - i % n) * n + i / n]);
            Assert.True(counterClockwise || clockwise, $"seed {seed}: not a quarter turn");
        }
    }

    [Fact]
    public void TranslateAndShearMoveRowsAsPil()
    {
        const int height = 12, width = 20;
        using var image = TestImages.Make(height, width, 1, (y, x, _) => 1 + 12 * y + x);
        var source = image.data<byte>();
        for (var seed = 0; seed < 6; seed++)
        {
            // Level 1: 0.45 · width = 9 pixels; the uncovered pixels get the fill.
            var moved = Op("TranslateXRel", 10, image, seed, Nearest());
            var shift = moved[0] == source[9] ? 9 : -9;
            for (var x = 0; x < width; x++)
            {
                var from = x + shift;
                Assert.Equal(from is >= 0 and < width ? source[3 * width + from] : 7, moved[3 * width + x]);
            }
            // Shear factor ±0.3: row y samples x + f (y + 0.5), so row 2 moves by 1 pixel and row 5 by 2.
            var sheared = Op("ShearX", 10, image, seed, Nearest());
            var sign = sheared[2 * width + 5] == source[2 * width + 6] ? 1 : -1;
            Assert.Equal(source[2 * width + 5 + sign], sheared[2 * width + 5]);
            Assert.Equal(source[5 * width + 10 + 2 * sign], sheared[5 * width + 10]);
        }
    }

    // The threshold of a solarized 0…255 ramp: the first value that was inverted (256 if none).
    private static int Threshold(byte[] ramp) => Enumerable.Range(0, 256).FirstOrDefault(v => ramp[v] != v, 256);

    [Fact]
    public void MagnitudeNoiseVariesTheLevelWithinTheClip()
    {
        using var ramp = TestImages.Make(1, 256, 1, (_, x, _) => x);
        Assert.Equal(230, Threshold(Op("Solarize", 9, ramp, 0, Nearest()))); // int(0.9 · 256)
        var noisy = Enumerable.Range(0, 200).Select(seed => Threshold(Op("Solarize", 5, ramp, seed, Nearest(std: 2)))).ToArray();
        Assert.True(noisy.Distinct().Count() > 20);
        Assert.InRange(noisy.Average(), 128 - 15, 128 + 15); // magnitude 5 ± 2 maps to 128 ± 51
        var uniform = Enumerable.Range(0, 200).Select(seed => Threshold(Op("Solarize", 5, ramp, seed, Nearest(std: double.PositiveInfinity)))).ToArray();
        Assert.All(uniform, t => Assert.InRange(t, 0, 128)); // magnitude uniform in [0, 5]
        Assert.InRange(uniform.Average(), 64 - 12, 64 + 12);
    }

    [Fact]
    public void OperationsRespectTheirProbability()
    {
        using var ramp = TestImages.Make(1, 256, 1, (_, x, _) => x);
        var applied = Enumerable.Range(0, 400).Count(seed =>
        {
            var result = new AugmentOp("Invert", 0.3, 0, Nearest()).Apply(ramp, new Random(seed));
            if (ReferenceEquals(result, ramp))
            {
                return false;
            }
            using (result)
            {
                return result.data<byte>()[0] == 255;
            }
        });
        Assert.InRange(applied, 90, 150);
    }
}
