using Vision.Data.Loading;
using Vision.Data.Samplers;

namespace Vision.Data.Tests.Loading;

public sealed class DataLoaderOptionsTests
{
    public static TheoryData<DataLoaderOptions, string> InvalidOptions() => new()
    {
        { new DataLoaderOptions { BatchSize = 0 }, "BatchSize (batch_size) must be at least 1, got 0." },
        { new DataLoaderOptions { NumWorkers = -1 }, "NumWorkers (num_workers) must not be negative, got -1." },
        { new DataLoaderOptions { NumWorkers = 1, PrefetchFactor = 0 }, "PrefetchFactor (prefetch_factor) must be at least 1, got 0." },
        { new DataLoaderOptions { PersistentWorkers = true }, "PersistentWorkers (persistent_workers) needs NumWorkers > 0" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void EachInvalidValueIsNamedAtConstruction(DataLoaderOptions options, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => new DataLoader(new SyntheticDataset(2), options));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void SeveralInvalidValuesGetOneLineEach()
    {
        var e = Assert.Throws<ArgumentException>(() => new DataLoaderOptions { BatchSize = -2, NumWorkers = -1, PrefetchFactor = 0 }.Validate());
        var lines = e.Message.Split(Environment.NewLine);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("BatchSize", lines[1]);
        Assert.StartsWith("NumWorkers", lines[2]);
        Assert.StartsWith("PrefetchFactor", lines[3]);
    }

    [Fact]
    public void ShuffleWithASamplerIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            new DataLoader(new SyntheticDataset(2), new DataLoaderOptions { Shuffle = true }, sampler: new SequentialSampler(2)));
        Assert.Equal("sampler", e.ParamName);
    }
}
