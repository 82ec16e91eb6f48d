using Vision.Engine.Optim;
using Vision.Threading;

namespace Vision.Engine.Tests.Training;

[Collection(TrainerCollection.Name)]
public sealed class TrainerThreadsTests : IDisposable
{
    private readonly TrainingFixture fixture = new();
    private readonly int original = torch.get_num_threads();

    public void Dispose()
    {
        torch.set_num_threads(original);
        fixture.Dispose();
    }

    [Theory]
    [InlineData(3, "Intra-op threads: 3 (num_threads)")]
    [InlineData(null, null)]
    public void TrainingStepRunsOnTheChosenThreadCountAndTheHeaderSaysSo(int? requested, string? header)
    {
        // Start from one thread, as a .NET process calling libtorch may.
        torch.set_num_threads(1);
        using var data = TrainingFixture.Quadrants(8, seed: 1);
        using var loader = TrainingFixture.Loader(data, 4, workers: 2);
        using var model = TrainingFixture.Linear(seed: 1);
        var seen = new List<int>();
        fixture.Builder(model, loader)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.1))
            .WithOptions(o => { o.MaxEpochs = 1; o.NumThreads = requested; })
            .WithHooks(new ActionHook(afterIter: (_, _) => seen.Add(torch.get_num_threads())))
            .Fit();

        var expected = requested ?? IntraOpThreads.Default;
        Assert.Equal([expected, expected], seen);
        Assert.Contains(header ?? $"Intra-op threads: {expected} ({IntraOpThreads.DefaultSource}); data loader workers: 1 thread each; idle threads spin briefly ({IdleThreadSpin.Describe()}).", fixture.ConsoleText.ToString());
    }
}
