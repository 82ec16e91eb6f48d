using Vision.Data.Image;
using Vision.Data.Transforms;

namespace Vision.Data.Tests.Transforms;

public sealed class GeometryTests
{
    // Pixel (y, x) of a single-channel image encodes its position: 16 y + x.
    private static Tensor Positions(int height, int width) => TestImages.Make(height, width, 1, (y, x, _) => 16 * y + x);

    private static byte[] Run(ITransform transform, Tensor image, out long[] shape, int seed = 0)
    {
        using var sample = TestImages.Sample(image);
        transform.Apply(sample, new Random(seed));
        shape = sample.Image.shape;
        return sample.Image.data<byte>();
    }

    [Fact]
    public void RandomFlipMirrorsTheGradient()
    {
        using var image = TestImages.Make(3, 5, 2, (y, x, c) => 50 * y + 10 * x + c);
        var source = image.data<byte>();
        var horizontal = Run(new RandomFlip(1.0), image.clone(), out var shape);
        var vertical = Run(new RandomFlip(1.0, FlipDirection.Vertical), image.clone(), out _);
        var never = Run(new RandomFlip(0.0), image.clone(), out _);
        Assert.Equal(new long[] { 3, 5, 2 }, shape);
        for (var y = 0; y < 3; y++)
        {
            for (var x = 0; x < 5; x++)
            {
                for (var c = 0; c < 2; c++)
                {
                    Assert.Equal(TestImages.At(source, 5, 2, y, 4 - x, c), TestImages.At(horizontal, 5, 2, y, x, c));
                    Assert.Equal(TestImages.At(source, 5, 2, 2 - y, x, c), TestImages.At(vertical, 5, 2, y, x, c));
                }
            }
        }
        Assert.Equal(source, never);
    }

    [Fact]
    public void RandomFlipFlipsAboutHalfTheTime()
    {
        using var image = Positions(1, 2);
        var flips = Enumerable.Range(0, 400).Count(seed => Run(new RandomFlip(0.5), image.clone(), out _, seed)[0] == 1);
        Assert.InRange(flips, 160, 240);
    }

    [Theory]
    [InlineData(40, 60, 20, 20, 30)]
    [InlineData(60, 40, 20, 30, 20)]
    [InlineData(33, 50, 20, 20, 30)] // long side: int(20 · 50 / 33) = int(30.3)
    [InlineData(50, 50, 7, 7, 7)]
    public void ResizeScalesTheShorterSide(int height, int width, int size, int expectedHeight, int expectedWidth)
    {
        Run(new Resize(size), TestImages.Random(height, width, 3, seed: 1), out var shape);
        Assert.Equal(new long[] { expectedHeight, expectedWidth, 3 }, shape);
    }

    [Theory]
    [InlineData(Edge.Short, 20, 30)]
    [InlineData(Edge.Long, 20, 30)] // 40×60 with the long side to 30: 20×30
    [InlineData(Edge.Width, 20, 30)]
    [InlineData(Edge.Height, 30, 45)]
    public void ResizeEdgeScalesTheChosenSide(Edge edge, int expectedHeight, int expectedWidth)
    {
        var scale = edge switch { Edge.Short => 20, Edge.Long => 30, Edge.Width => 30, _ => 30 };
        Run(new ResizeEdge(scale, edge), TestImages.Random(40, 60, 3, seed: 1), out var shape);
        Assert.Equal(new long[] { expectedHeight, expectedWidth, 3 }, shape);
    }

    [Fact]
    public void ResizeValuesFollowTheFilter()
    {
        using var image = TestImages.Make(2, 2, 1, (y, x, _) => 100 * y + 10 * x);
        // Nearest: each pixel becomes a 2×2 block.
        var nearest = Run(new Resize(4, 4, Interpolation.Nearest), image.clone(), out var shape);
        Assert.Equal(new long[] { 4, 4, 1 }, shape);
        Assert.Equal([0, 0, 10, 10, 0, 0, 10, 10, 100, 100, 110, 110, 100, 100, 110, 110], nearest);
        // Area: shrinking 4×4 to 2×2 averages each block.
        using var blocks = TestImages.Make(4, 4, 1, (y, x, _) => 8 * (2 * (y / 2) + x / 2) + (y % 2) * 2 + x % 2);
        var area = Run(new Resize(2, 2, Interpolation.Area), blocks, out _);
        Assert.Equal([2, 10, 18, 26], area); // block means (0 + 1 + 2 + 3) / 4 + 8k = 1.5 + 8k, rounded half up
    }

    [Theory]
    [InlineData(13, 12, 4, 5, 4, 4)] // top round(4.5) = 4, left round(3.5) = 4: halves to even as Python
    [InlineData(10, 12, 4, 6, 3, 3)]
    public void CenterCropTakesTheCentralBox(int height, int width, int cropHeight, int cropWidth, int top, int left)
    {
        var result = Run(new CenterCrop(cropHeight, cropWidth), Positions(height, width), out var shape);
        Assert.Equal(new long[] { cropHeight, cropWidth, 1 }, shape);
        for (var y = 0; y < cropHeight; y++)
        {
            for (var x = 0; x < cropWidth; x++)
            {
                Assert.Equal(16 * (y + top) + x + left, result[y * cropWidth + x]);
            }
        }
    }

    [Fact]
    public void CenterCropLargerThanTheImagePadsWithZeros()
    {
        using var image = TestImages.Make(3, 3, 1, (y, x, _) => 1 + 3 * y + x);
        var result = Run(new CenterCrop(6, 5), image, out var shape);
        Assert.Equal(new long[] { 6, 5, 1 }, shape);
        // Padding (left, top, right, bottom) = (1, 1, 1, 2): torchvision puts the odd pixel after.
        for (var y = 0; y < 6; y++)
        {
            for (var x = 0; x < 5; x++)
            {
                var inside = y is >= 1 and <= 3 && x is >= 1 and <= 3;
                Assert.Equal(inside ? 1 + 3 * (y - 1) + (x - 1) : 0, result[y * 5 + x]);
            }
        }
    }

    [Theory]
    [InlineData(PaddingMode.Constant, new byte[] { 9, 9, 1, 2, 3, 4, 9, 9 })]
    [InlineData(PaddingMode.Edge, new byte[] { 1, 1, 1, 2, 3, 4, 4, 4 })]
    [InlineData(PaddingMode.Reflect, new byte[] { 3, 2, 1, 2, 3, 4, 3, 2 })]
    [InlineData(PaddingMode.Symmetric, new byte[] { 2, 1, 1, 2, 3, 4, 4, 3 })]
    public void PadModesFillTheBorder(PaddingMode mode, byte[] expected)
    {
        using var row = TestImages.Make(1, 4, 1, (_, x, _) => x + 1);
        Assert.Equal(expected, Run(new Pad([2, 0], mode, 9), row, out var shape));
        Assert.Equal(new long[] { 1, 8, 1 }, shape);
    }

    [Fact]
    public void PadWithFourValuesPlacesTheImage()
    {
        using var image = TestImages.Make(2, 2, 3, (y, x, c) => 1 + 2 * y + x);
        var result = Run(new Pad([1, 2, 3, 4], PaddingMode.Constant, 0, 50, 100), image, out var shape);
        Assert.Equal(new long[] { 8, 6, 3 }, shape); // 2 + 2 + 4 rows, 2 + 1 + 3 columns
        Assert.Equal(1, TestImages.At(result, 6, 3, 2, 1, 0)); // the first pixel lands at (top 2, left 1)
        Assert.Equal(4, TestImages.At(result, 6, 3, 3, 2, 2));
        Assert.Equal([0, 50, 100], result[..3]); // per-channel fill
    }

    [Fact]
    public void RandomResizedCropBoxesStayInsideAndCoverTheRanges()
    {
        var crop = new RandomResizedCrop(32);
        var rng = new Random(123);
        var (minArea, maxArea, minRatio, maxRatio) = (double.MaxValue, 0.0, double.MaxValue, 0.0);
        for (var i = 0; i < 3000; i++)
        {
            var (top, left, h, w) = crop.SampleBox(300, 400, rng);
            Assert.True(top >= 0 && left >= 0 && h > 0 && w > 0 && top + h <= 300 && left + w <= 400, $"box {top},{left},{h},{w}");
            var area = h * w / (300.0 * 400.0);
            var ratio = (double)w / h;
            // Rounding each side to whole pixels moves area and ratio by well under 5% at these sizes.
            Assert.InRange(area, 0.08 * 0.95, 1.0);
            Assert.InRange(ratio, 0.75 * 0.95, 4.0 / 3 * 1.05);
            (minArea, maxArea) = (Math.Min(minArea, area), Math.Max(maxArea, area));
            (minRatio, maxRatio) = (Math.Min(minRatio, ratio), Math.Max(maxRatio, ratio));
        }
        Assert.True(minArea < 0.1 && maxArea > 0.9, $"area range [{minArea}, {maxArea}]");
        Assert.True(minRatio < 0.77 && maxRatio > 1.3, $"ratio range [{minRatio}, {maxRatio}]");
    }

    [Fact]
    public void RandomResizedCropFallsBackToTheCentralBox()
    {
        // Ratios of 2-3 at 90-100% of a square never fit, so all 10 attempts fail.
        var crop = new RandomResizedCrop(8, scale: (0.9, 1.0), ratio: (2.0, 3.0));
        Assert.Equal((12, 0, 25, 50), crop.SampleBox(50, 50, new Random(1)));
        Assert.Equal((0, 13, 60, 24), new RandomResizedCrop(8, scale: (0.9, 1.0), ratio: (0.2, 0.4)).SampleBox(60, 50, new Random(1)));
    }

    [Fact]
    public void RandomResizedCropOfTheWholeImageKeepsIt()
    {
        using var image = TestImages.Random(20, 30, 3, seed: 4);
        var crop = new RandomResizedCrop(20, 30, scale: (1.0, 1.0), ratio: (1.5, 1.5));
        Assert.Equal(image.data<byte>(), Run(crop, image.clone(), out var shape));
        Assert.Equal(new long[] { 20, 30, 3 }, shape);
        Run(new RandomResizedCrop(7, 9), image.clone(), out shape);
        Assert.Equal(new long[] { 7, 9, 3 }, shape);
    }

    [Fact]
    public void CropReadsTheBox()
    {
        using var image = Positions(10, 12);
        using var crop = ImageOps.Crop(image, 2, 3, 4, 5);
        using var expected = image.narrow(0, 2, 4).narrow(1, 3, 5).contiguous();
        Assert.Equal(expected.data<byte>(), crop.data<byte>());
    }
}
