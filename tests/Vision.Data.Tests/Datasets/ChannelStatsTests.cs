using Vision.Data.Datasets;

namespace Vision.Data.Tests.Datasets;

public sealed class ChannelStatsTests
{
    [Fact]
    public void MeanAndStdAreOverAllPixelsOfAllImages()
    {
        // Three images of different brightness and size: the population std of all pixels differs from the
        // mean of the per-image stds, which is the mistake this guards against.
        var images = new[]
        {
            TestImages.Random(8, 10, 3, seed: 1),
            TestImages.Make(8, 10, 3, (y, x, c) => 200 + (x + y + c) % 7),
            TestImages.Make(8, 10, 3, (y, x, c) => 3 * c + x % 2),
        };
        using var scope = torch.NewDisposeScope();
        using var dataset = new InMemoryDataset(torch.stack(images), torch.zeros([3], ScalarType.Int64));
        var stats = ChannelStats.Compute(dataset, maxDegreeOfParallelism: 2);
        Assert.Equal(240, stats.PixelCount);
        var perImageStd = new double[3];
        for (var c = 0; c < 3; c++)
        {
            var values = images.SelectMany(img => img.data<byte>().Where((_, i) => i % 3 == c)).Select(v => (double)v).ToArray();
            var mean = values.Average();
            var std = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average());
            Assert.Equal(mean, stats.Mean[c], 10);
            Assert.Equal(std, stats.Std[c], 10);
            perImageStd[c] = images.Average(img =>
            {
                var own = img.data<byte>().Where((_, i) => i % 3 == c).Select(v => (double)v).ToArray();
                return Math.Sqrt(own.Select(v => (v - own.Average()) * (v - own.Average())).Average());
            });
            Assert.True(Math.Abs(perImageStd[c] - stats.Std[c]) > 10);
        }
    }

    [Fact]
    public void ConstantImagesHaveZeroStd()
    {
        using var dataset = new InMemoryDataset(torch.full([4, 5, 5], 77, ScalarType.Byte), torch.zeros([4], ScalarType.Int64));
        var stats = ChannelStats.Compute(dataset);
        Assert.Equal([77.0], stats.Mean);
        Assert.Equal([0.0], stats.Std);
    }

    private sealed class MixedChannels : IDataset
    {
        public int Count => 2;

        public IReadOnlyList<string> Classes => ["x"];

        public DataSample Get(int index) => new(torch.zeros([2, 2, index == 0 ? 3 : 1], ScalarType.Byte), 0, index, $"image{index}.png");
    }

    [Fact]
    public void MixedChannelCountsNameTheImage()
    {
        var e = Assert.Throws<InvalidDataException>(() => ChannelStats.Compute(new MixedChannels()));
        Assert.Contains("image1.png has 1 channels; the first image has 3", e.Message);
    }
}
