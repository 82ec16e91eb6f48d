using Vision.Data.Samplers;

namespace Vision.Data.Tests.Samplers;

public sealed class DistributedSamplerTests
{
    // torch.utils.data.DistributedSampler.__iter__ transliterated: pad with indices[:padding] (repeated when the
    // padding is longer than the list) or truncate for drop_last, then indices[rank:total_size:num_replicas].
    private static List<int> TorchReference(IReadOnlyList<int> order, int world, int rank, bool dropLast)
    {
        var n = order.Count;
        var numSamples = dropLast && n % world != 0
            ? (int)Math.Ceiling((n - world) / (double)world)
            : (int)Math.Ceiling(n / (double)world);
        var total = numSamples * world;
        var indices = order.ToList();
        if (!dropLast)
        {
            var padding = total - n;
            indices.AddRange(padding <= n
                ? indices.Take(padding).ToList()
                : Enumerable.Repeat(order, (int)Math.Ceiling(padding / (double)n)).SelectMany(x => x).Take(padding).ToList());
        }
        else
        {
            indices = indices.Take(total).ToList();
        }
        var result = new List<int>();
        for (var j = rank; j < total; j += world)
        {
            result.Add(indices[j]);
        }
        return result;
    }

    public static TheoryData<int, int, bool> Cases()
    {
        var data = new TheoryData<int, int, bool>();
        foreach (var (n, world) in new[] { (10, 3), (12, 4), (7, 4), (2, 5), (1, 3), (13, 1), (9, 9), (5, 8) })
        {
            data.Add(n, world, false);
            data.Add(n, world, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void UnshuffledIndexSetsMatchPyTorchFormula(int n, int world, bool dropLast)
    {
        var order = Enumerable.Range(0, n).ToArray();
        for (var rank = 0; rank < world; rank++)
        {
            var sampler = new DistributedSampler(n, world, rank, shuffle: false, drop_last: dropLast);
            var expected = TorchReference(order, world, rank, dropLast);
            Assert.Equal(expected, sampler.GetIndices());
            Assert.Equal(expected.Count, sampler.Count);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ShuffledIndexSetsSplitTheSeedPlusEpochPermutation(int n, int world, bool dropLast)
    {
        // The shuffle is randperm(n) seeded with seed + epoch, the permutation RandomSampler gives for that epoch.
        var order = new RandomSampler(n, seed: 3);
        order.SetEpoch(4);
        for (var rank = 0; rank < world; rank++)
        {
            var sampler = new DistributedSampler(n, world, rank, shuffle: true, seed: 3, drop_last: dropLast);
            sampler.SetEpoch(4);
            Assert.Equal(TorchReference(order.GetIndices(), world, rank, dropLast), sampler.GetIndices());
        }
    }

    // Printed by PyTorch 1.13 (Debian python3-torch, the same libtorch as the shim):
    // [list(DistributedSampler(range(n), num_replicas=w, rank=r, shuffle=True, seed=s, drop_last=d)) after set_epoch(e)].
    [Theory]
    [InlineData(10, 3, false, 0, 0, "4,5,0,2|1,3,8,4|7,9,6,1")]
    [InlineData(10, 3, true, 0, 0, "4,5,0|1,3,8|7,9,6")]
    [InlineData(7, 4, false, 5, 2, "5,2|0,6|3,4|1,5")]
    [InlineData(11, 4, false, 3, 1, "10,1,3|5,7,2|6,0,9|8,4,10")]
    public void ShuffledIndicesEqualPyTorchOutput(int n, int world, bool dropLast, long seed, int epoch, string expected)
    {
        var perRank = expected.Split('|').Select(r => r.Split(',').Select(int.Parse).ToArray()).ToArray();
        for (var rank = 0; rank < world; rank++)
        {
            var sampler = new DistributedSampler(n, world, rank, shuffle: true, seed: seed, drop_last: dropLast);
            sampler.SetEpoch(epoch);
            Assert.Equal(perRank[rank], sampler.GetIndices());
        }
    }

    [Fact]
    public void PaddingRepeatsTheListWhenRanksOutnumberSamples()
    {
        // n = 2, 5 ranks: total 5 = [0, 1] + [0, 1, 0]; PyTorch prints [[0], [1], [0], [1], [0]].
        var got = Enumerable.Range(0, 5).Select(r => new DistributedSampler(2, 5, r, shuffle: false).GetIndices().Single()).ToArray();
        Assert.Equal(new[] { 0, 1, 0, 1, 0 }, got);
    }

    [Fact]
    public void EpochChangesTheOrderAndTheSameEpochRepeatsIt()
    {
        var sampler = new DistributedSampler(50, 2, 1);
        sampler.SetEpoch(0);
        var first = sampler.GetIndices().ToArray();
        sampler.SetEpoch(1);
        var second = sampler.GetIndices().ToArray();
        sampler.SetEpoch(0);
        Assert.Equal(first, sampler.GetIndices());
        Assert.NotEqual(first, second);
        Assert.Equal(0, sampler.Epoch);
    }

    [Theory]
    [InlineData(0, 0, "num_replicas")]
    [InlineData(3, 3, "rank")]
    [InlineData(3, -1, "rank")]
    public void InvalidRanksAreRejected(int world, int rank, string parameter)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new DistributedSampler(10, world, rank));
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains(parameter, e.Message);
    }
}
