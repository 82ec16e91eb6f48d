using Vision.Data.BatchAugments;

namespace Vision.Data.Tests.BatchAugments;

public sealed class RandomBatchAugmentTests
{
    /// <summary>Counts its calls and marks its result with its id.</summary>
    private sealed class Marker(float id) : IBatchAugment
    {
        public int Calls { get; private set; }

        public (Tensor Images, Tensor Targets) Apply(Tensor images, Tensor labels, Random rng)
        {
            Calls++;
            return (torch.full_like(images, id), torch.full([labels.size(0), 3], id));
        }
    }

    [Fact]
    public void ChoosesEachAugmentWithItsProbabilityAndNothingWithTheRest()
    {
        using var scope = torch.NewDisposeScope();
        var (images, labels) = Replay.ConstantBatch(2, 1, 2, 2);
        var a = new Marker(10);
        var b = new Marker(20);
        var chooser = new RandomBatchAugment([a, b], numClasses: 3, probs: [0.5, 0.3]);
        var rng = new Random(1);
        var unmixed = 0;
        const int draws = 4000;
        for (var i = 0; i < draws; i++)
        {
            using var inner = torch.NewDisposeScope();
            var (mixed, _) = chooser.Apply(images, labels, rng);
            if (mixed.equal(images))
            {
                unmixed++;
            }
        }
        Assert.Equal(0.5, a.Calls / (double)draws, 0.03);
        Assert.Equal(0.3, b.Calls / (double)draws, 0.03);
        Assert.Equal(0.2, unmixed / (double)draws, 0.03);
        Assert.Equal(draws, a.Calls + b.Calls + unmixed);
    }

    [Fact]
    public void WithoutProbsEveryBatchIsAugmentedEvenly()
    {
        using var scope = torch.NewDisposeScope();
        var (images, labels) = Replay.ConstantBatch(2, 1, 2, 2);
        var a = new Marker(1);
        var b = new Marker(2);
        var chooser = new RandomBatchAugment([a, b], numClasses: 3);
        var rng = new Random(2);
        for (var i = 0; i < 2000; i++)
        {
            using var inner = torch.NewDisposeScope();
            chooser.Apply(images, labels, rng);
        }
        Assert.Equal(2000, a.Calls + b.Calls);
        Assert.Equal(0.5, a.Calls / 2000.0, 0.04);
    }

    [Fact]
    public void NothingAppliedGivesSmoothedOneHotTargets()
    {
        using var scope = torch.NewDisposeScope();
        var (images, labels) = Replay.ConstantBatch(2, 1, 2, 2);
        var chooser = new RandomBatchAugment([new Marker(1)], numClasses: 3, probs: [0.0], labelSmoothing: 0.3);
        var (mixed, targets) = chooser.Apply(images, labels, new Random(0));
        Assert.True(mixed.equal(images));
        Replay.AssertTargets(targets, 3, [0, 1], [1, 1], smoothing: 0.3);
    }

    [Fact]
    public void ProbabilitiesAreValidated()
    {
        var sum = Assert.Throws<ArgumentException>(() => new RandomBatchAugment([new Marker(1), new Marker(2)], 3, [0.7, 0.5]));
        Assert.Contains("sum to 1.2", sum.Message);
        var count = Assert.Throws<ArgumentException>(() => new RandomBatchAugment([new Marker(1)], 3, [0.5, 0.5]));
        Assert.Contains("same length", count.Message);
    }
}
