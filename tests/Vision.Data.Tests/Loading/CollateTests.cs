using Vision.Data.Loading;
using Vision.Data.Transforms;

namespace Vision.Data.Tests.Loading;

public sealed class CollateTests
{
    // 64 RGB images of 150 x 160: a 4.6 MB uint8 batch and an 18 MB float one, both past the size where the collate
    // maps its batch on huge pages.
    private static DataSample[] LargeSamples() =>
        [.. Enumerable.Range(0, 64).Select(i => new DataSample(TestImages.Random(150, 160, 3, seed: i), i, i))];

    [Fact]
    public void LargeUint8BatchesHoldEveryImageAsPlanes()
    {
        var samples = LargeSamples();
        try
        {
            using var batch = Collate.Samples(samples, pinMemory: false);
            using var expected = torch.stack([.. samples.Select(s => s.Image.permute(2, 0, 1))]);
            Assert.Equal(ScalarType.Byte, batch.Images.dtype);
            Assert.True(batch.Images.is_contiguous());
            Assert.True(expected.equal(batch.Images));
            Assert.Equal(Enumerable.Range(0, 64).Select(i => (long)i), batch.Targets.data<long>());
        }
        finally
        {
            Array.ForEach(samples, s => s.Dispose());
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NormalizingInTheCollateGivesPerSampleNormalizesValues(bool toRgb)
    {
        var normalize = new Normalize([123.675, 116.28, 103.53], [58.395, 57.12, 57.375], toRgb);
        var samples = LargeSamples();
        try
        {
            using var batch = Collate.Samples(samples, pinMemory: false, normalize);
            var normalized = samples.Select(s => PerSampleNormalize(s, normalize)).ToArray();
            using var expected = torch.stack(normalized);
            Assert.Equal(ScalarType.Float32, batch.Images.dtype);
            Assert.True(expected.equal(batch.Images), "the batch differs from per-sample Normalize");
            Array.ForEach(normalized, t => t.Dispose());
            // And Normalize's formula, (x - mean) / std in float32, on one pixel of the last image's first channel.
            var pixel = samples[63].Image[10, 20, toRgb ? 2 : 0].item<byte>();
            Assert.Equal((float)((pixel - (float)123.675) / (float)58.395), batch.Images[63, 0, 10, 20].item<float>());
        }
        finally
        {
            Array.ForEach(samples, s => s.Dispose());
        }
    }

    [Fact]
    public void NormalizeWithAFloatImageIsAnErrorNamingTheSample()
    {
        using var sample = new DataSample(torch.zeros(3, 4, 5), 0, 9, "float.bin");
        var e = Assert.Throws<InvalidDataException>(() => Collate.Samples([sample], false, new Normalize([0, 0, 0], [1, 1, 1])));
        Assert.Contains("Sample 9 (float.bin)", e.Message);
    }

    private static Tensor PerSampleNormalize(DataSample sample, Normalize normalize)
    {
        using var copy = new DataSample(sample.Image.clone(), sample.Label, sample.Index);
        normalize.Apply(copy, new Random(0));
        return copy.Image.clone();
    }
}
