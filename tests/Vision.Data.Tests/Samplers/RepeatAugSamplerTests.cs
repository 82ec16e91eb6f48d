using Vision.Data.Samplers;

namespace Vision.Data.Tests.Samplers;

public sealed class RepeatAugSamplerTests
{
    // timm's RepeatAugSampler.__iter__ run with PyTorch 1.13 (generator seeded with seed + epoch; timm's own seeds
    // with the epoch alone, i.e. seed 0): one row per rank.
    [Theory]
    [InlineData(10, 3, true, 3, 0, 0, "4,1,7,5|4,1,7,5|4,1,7,5")]
    [InlineData(10, 4, true, 3, 7, 1, "3,5,0|3,5,1|3,0,1|5,0,1")]
    [InlineData(5, 2, false, 2, 0, 0, "0,1,2|0,1,2")]
    public void IndicesEqualTimm(int n, int world, bool shuffle, int repeats, long seed, int epoch, string expected)
    {
        var perRank = expected.Split('|').Select(r => r.Split(',').Select(int.Parse).ToArray()).ToArray();
        for (var rank = 0; rank < world; rank++)
        {
            var sampler = new RepeatAugSampler(n, world, rank, shuffle, repeats, seed, selected_round: 0);
            sampler.SetEpoch(epoch);
            Assert.Equal(perRank[rank], sampler.GetIndices());
            Assert.Equal(perRank[rank].Length, sampler.Count);
        }
    }

    [Fact]
    public void SelectedRoundTruncatesToTimmsCount()
    {
        // 600 samples, 2 ranks, selected_round 256: floor(600 // 256 * 256 / 2) = 256 per rank; timm's first
        // eight of epoch 2 are [48, 48, 568, 517, 517, 558, 138, 138] and [48, 568, 568, 517, 558, 558, 138, 229].
        var r0 = new RepeatAugSampler(600, 2, 0);
        var r1 = new RepeatAugSampler(600, 2, 1);
        r0.SetEpoch(2);
        r1.SetEpoch(2);
        Assert.Equal(256, r0.Count);
        Assert.Equal(256, r0.GetIndices().Count);
        Assert.Equal(new[] { 48, 48, 568, 517, 517, 558, 138, 138 }, r0.GetIndices().Take(8));
        Assert.Equal(new[] { 48, 568, 568, 517, 558, 558, 138, 229 }, r1.GetIndices().Take(8));
    }

    [Fact]
    public void EachIndexIsRepeatedAcrossRanks()
    {
        // Unshuffled, 3 repeats over 3 ranks: every rank sees every index once (the repeats go to different ranks).
        for (var rank = 0; rank < 3; rank++)
        {
            var sampler = new RepeatAugSampler(9, 3, rank, shuffle: false, num_repeats: 3, selected_round: 0);
            Assert.Equal(new[] { 0, 1, 2 }, sampler.GetIndices());
        }
    }

    [Fact]
    public void DatasetSmallerThanSelectedRoundIsRejectedWithAdvice()
    {
        var e = Assert.Throws<ArgumentException>(() => new RepeatAugSampler(100, 1, 0));
        Assert.Contains("selected_round: 0", e.Message);
    }
}
