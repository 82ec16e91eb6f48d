using Vision.Data.Transforms;

namespace Vision.Data.Tests.Transforms;

/// <summary>Normalize and the erasing transforms that work on its float (C, H, W) output.</summary>
public sealed class TensorTransformTests
{
    [Fact]
    public void NormalizePacksToChwAndNormalises()
    {
        using var image = TestImages.Make(2, 3, 3, (y, x, c) => 40 * y + 7 * x + 90 * c);
        var source = image.data<byte>();
        double[] mean = [123.675, 116.28, 103.53];
        double[] std = [58.395, 57.12, 57.375];
        foreach (var toRgb in new[] { false, true })
        {
            using var sample = TestImages.Sample(image.clone());
            new Normalize(mean, std, toRgb).Apply(sample, new Random(0));
            Assert.Equal(ScalarType.Float32, sample.Image.dtype);
            Assert.Equal(new long[] { 3, 2, 3 }, sample.Image.shape);
            var values = sample.Image.data<float>();
            for (var c = 0; c < 3; c++)
            {
                for (var i = 0; i < 6; i++)
                {
                    // Output channel c reads input channel 2 - c when reversing (BGR → RGB).
                    var x = source[i * 3 + (toRgb ? 2 - c : c)];
                    Assert.Equal(((float)x - (float)mean[c]) / (float)std[c], values[c * 6 + i]);
                }
            }
        }
    }

    private static Tensor Ones(int channels, int height, int width) => torch.ones(channels, height, width);

    // The bounding box of the zeros of channel 0 and how many zeros there are.
    private static (int Top, int Left, int Height, int Width, int Count) ZeroBox(float[] values, int height, int width)
    {
        int top = height, left = width, bottom = -1, right = -1, count = 0;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                if (values[y * width + x] == 0)
                {
                    (top, left, bottom, right) = (Math.Min(top, y), Math.Min(left, x), Math.Max(bottom, y), Math.Max(right, x));
                    count++;
                }
            }
        }
        return (top, left, bottom - top + 1, right - left + 1, count);
    }

    [Fact]
    public void RandomErasingErasesOneBoxWithinTheAreaAndAspectRanges()
    {
        var erasing = new RandomErasing(probability: 1.0, minArea: 0.1, maxArea: 0.3, minAspect: 0.5);
        for (var seed = 0; seed < 50; seed++)
        {
            using var sample = TestImages.Sample(Ones(3, 60, 80));
            erasing.Apply(sample, new Random(seed));
            var values = sample.Image.data<float>();
            var (_, _, h, w, count) = ZeroBox(values, 60, 80);
            // A solid box, the same in every channel.
            Assert.Equal(h * w, count);
            Assert.Equal(values[..4800], values[4800..9600]);
            Assert.Equal(values[..4800], values[9600..]);
            Assert.InRange(count / 4800.0, 0.1 * 0.9, 0.3 * 1.1);
            Assert.InRange((double)h / w, 0.5 * 0.9, 2.0 * 1.1);
        }
    }

    [Fact]
    public void RandomErasingModesAndProbability()
    {
        using (var sample = TestImages.Sample(Ones(3, 40, 40)))
        {
            new RandomErasing(probability: 0.0).Apply(sample, new Random(0));
            Assert.All(sample.Image.data<float>(), v => Assert.Equal(1f, v));
        }
        using (var sample = TestImages.Sample(torch.full([3, 100, 100], 1000.0)))
        {
            new RandomErasing(probability: 1.0, minArea: 0.3, maxArea: 0.3, mode: ErasingMode.Pixel).Apply(sample, new Random(5));
            var erased = sample.Image.data<float>().Where(v => v != 1000f).ToArray();
            // Per-pixel standard normal noise over about 30% of the pixels.
            Assert.InRange(erased.Length, 3 * 2500, 3 * 3500);
            Assert.InRange(erased.Average(), -0.1, 0.1);
            Assert.InRange(Math.Sqrt(erased.Select(v => (double)v * v).Average()), 0.9, 1.1);
        }
        using (var sample = TestImages.Sample(torch.full([3, 50, 50], 1000.0)))
        {
            new RandomErasing(probability: 1.0, mode: ErasingMode.Rand).Apply(sample, new Random(2));
            // One random value per channel over the whole box.
            var values = sample.Image.data<float>();
            for (var c = 0; c < 3; c++)
            {
                Assert.Single(values[(c * 2500)..((c + 1) * 2500)].Where(v => v != 1000f).Distinct());
            }
        }
        using (var sample = TestImages.Sample(torch.ones(3, 60, 60)))
        {
            new RandomErasing(probability: 1.0, minArea: 0.05, maxArea: 0.05, minCount: 3, maxCount: 3).Apply(sample, new Random(9));
            var zeros = sample.Image.data<float>()[..3600].Count(v => v == 0);
            Assert.InRange(zeros, 0.05 / 3 * 3600, 0.05 * 3600 * 1.1); // three boxes of 1/3 of the area, possibly overlapping
        }
    }

    [Fact]
    public void RandomErasingNeedsTheNormalisedImage()
    {
        using var sample = TestImages.Sample(TestImages.Random(8, 8, 3, seed: 1));
        var e = Assert.Throws<ArgumentException>(() => new RandomErasing(1.0).Apply(sample, new Random(0)));
        Assert.Contains("after Normalize", e.Message);
        Assert.Contains("test image", e.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void CutoutZeroesClippedSquaresAtTheDrawnCentres(bool uint8)
    {
        const int height = 20, width = 24, length = 8;
        for (var seed = 0; seed < 20; seed++)
        {
            using var sample = TestImages.Sample(uint8 ? TestImages.Make(height, width, 3, (_, _, _) => 255) : Ones(3, height, width));
            new Cutout(holes: 2, length: length).Apply(sample, new Random(seed));
            // Replay the centres: y then x per hole, uniform over the pixels.
            var rng = new Random(seed);
            var expected = new bool[height, width];
            for (var hole = 0; hole < 2; hole++)
            {
                var (y, x) = (rng.Next(height), rng.Next(width));
                for (var yy = Math.Max(0, y - length / 2); yy < Math.Min(height, y + length / 2); yy++)
                {
                    for (var xx = Math.Max(0, x - length / 2); xx < Math.Min(width, x + length / 2); xx++)
                    {
                        expected[yy, xx] = true;
                    }
                }
            }
            var values = uint8 ? sample.Image.data<byte>().Select(v => (float)v).ToArray() : sample.Image.data<float>();
            for (var c = 0; c < 3; c++)
            {
                for (var y = 0; y < height; y++)
                {
                    for (var x = 0; x < width; x++)
                    {
                        var index = uint8 ? (y * width + x) * 3 + c : (c * height + y) * width + x;
                        Assert.Equal(expected[y, x], values[index] == 0);
                    }
                }
            }
        }
    }
}
