using Vision.Data.Loading;

namespace Vision.Data.Tests.Loading;

public sealed class DataLoaderSkipTests
{
    private static List<(int[] Indices, byte[] Pixels)> Contents(IEnumerable<Batch> batches)
    {
        var contents = new List<(int[], byte[])>();
        foreach (var batch in batches)
        {
            using (batch)
            {
                contents.Add((batch.Indices.ToArray(), batch.Images.data<byte>()));
            }
        }
        return contents;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void SkippingBatchesYieldsTheRestOfTheEpochWithoutLoadingTheSkippedOnes(int workers)
    {
        var options = new DataLoaderOptions { BatchSize = 3, Shuffle = true, Seed = 5, NumWorkers = workers };
        using var full = new DataLoader(new SyntheticDataset(11), options);
        var whole = Contents(full.Epoch(2));

        var dataset = new SyntheticDataset(11);
        using var resumed = new DataLoader(dataset, options);
        var rest = Contents(resumed.Epoch(2, skipBatches: 2));

        Assert.Equal(whole.Skip(2).Select(b => b.Indices), rest.Select(b => b.Indices));
        Assert.Equal(whole.Skip(2).Select(b => b.Pixels), rest.Select(b => b.Pixels));
        Assert.Equal(11 - 6, dataset.Gets);
        Assert.Equal(2, resumed.Sampler.Epoch);
    }

    [Fact]
    public void SkippingTheWholeEpochYieldsNothingAndMoreIsRefused()
    {
        using var loader = new DataLoader(new SyntheticDataset(7), new DataLoaderOptions { BatchSize = 3 });
        Assert.Empty(Contents(loader.Epoch(0, skipBatches: 3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.Epoch(0, skipBatches: 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.Epoch(0, skipBatches: -1));
    }
}
