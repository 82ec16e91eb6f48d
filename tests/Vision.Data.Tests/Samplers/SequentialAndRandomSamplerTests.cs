using Vision.Data.Samplers;

namespace Vision.Data.Tests.Samplers;

public sealed class SequentialAndRandomSamplerTests
{
    [Fact]
    public void SequentialVisitsInOrderEveryEpoch()
    {
        var sampler = new SequentialSampler(4);
        sampler.SetEpoch(3);
        Assert.Equal(new[] { 0, 1, 2, 3 }, sampler.GetIndices());
        Assert.Equal(4, sampler.Count);
    }

    [Fact]
    public void RandomIsTorchRandpermOfSeedPlusEpoch()
    {
        // PyTorch 1.13: g = torch.Generator(); g.manual_seed(0); torch.randperm(10, generator=g).
        var sampler = new RandomSampler(10, seed: 0);
        Assert.Equal(new[] { 4, 1, 7, 5, 3, 9, 0, 8, 6, 2 }, sampler.GetIndices());
        sampler.SetEpoch(1);
        var other = new RandomSampler(10, seed: 1);
        Assert.Equal(other.GetIndices(), sampler.GetIndices());
        Assert.Equal(Enumerable.Range(0, 10), sampler.GetIndices().Order());
    }

    [Fact]
    public void NegativeLengthIsRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SequentialSampler(-1));
        Assert.Contains("length", e.Message);
    }
}
