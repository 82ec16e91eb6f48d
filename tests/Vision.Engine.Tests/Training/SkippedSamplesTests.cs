using Vision.Data;
using Vision.Data.Datasets;
using Vision.Data.Loading;
using Vision.Engine.Optim;

namespace Vision.Engine.Tests.Training;

/// <summary>A sample dropped by <c>skip_bad_samples</c> is never silent: the log names it and why, and the run counts them.</summary>
[Collection(TrainerCollection.Name)]
public sealed class SkippedSamplesTests : IDisposable
{
    private readonly TrainingFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    [Fact]
    public void EachSkippedSampleIsLoggedWithItsReasonAndTheRunSaysHowMany()
    {
        using var data = TrainingFixture.Quadrants(16, seed: 1);
        var broken = new BrokenSamples(data, bad: 5);
        using var loader = new DataLoader(broken, new DataLoaderOptions { BatchSize = 4, SkipBadSamples = true });
        using var model = TrainingFixture.Linear(seed: 3);
        using var trainer = fixture.Builder(model, loader)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.1))
            .WithOptions(o => o.MaxEpochs = 2)
            .Build();

        trainer.Fit();

        Assert.Equal(2, trainer.SkippedSampleCount);
        var log = fixture.ConsoleText.ToString();
        Assert.Equal(2, log.Split("Skipped training sample 5 (BrokenSamples[5]): photo_5.jpg is truncated").Length - 1);
        Assert.Contains("2 unreadable samples were skipped (skip_bad_samples)", log, StringComparison.Ordinal);
    }

    private sealed class BrokenSamples(InMemoryDataset inner, int bad) : IDataset
    {
        public int Count => inner.Count;

        public IReadOnlyList<string> Classes => inner.Classes;

        public DataSample Get(int index) =>
            index == bad ? throw new InvalidDataException($"photo_{index}.jpg is truncated") : inner.Get(index);
    }
}
