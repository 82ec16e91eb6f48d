using System.Text.Json;
using Vision.Tests.Tensors;
using Vision.TestUtilities;

namespace Vision.Tests.Distributed;

/// <summary>Collectives across real processes on loopback (Gloo), checked against the formulas of each op.</summary>
[Collection(SerialCollection.Name)]
public class ProcessGroupTests
{
    private static double[] Doubles(JsonElement element) => element.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    [SkippableTheory]
    [InlineData(2)]
    [InlineData(3)]
    public void CollectivesGiveEveryRankTheReducedGatheredAndBroadcastValues(int worldSize)
    {
        Skip.IfNot(torch.distributed.is_available(), "this shim was built without c10d Gloo (libgloo-dev)");
        var ranks = DistributedRanks.Run(worldSize, "collectives", TimeSpan.FromSeconds(120));
        var ones = Enumerable.Range(1, worldSize).Select(r => (double)r).ToArray();   // rank + 1 for every rank
        for (var rank = 0; rank < worldSize; rank++)
        {
            var (exit, json, output, errors) = ranks[rank];
            Assert.True(exit == 0 && json is not null, $"rank {rank} exited {exit}: {output} {errors}");
            var r = json!.Value;
            Assert.Equal(rank, r.GetProperty("rank").GetInt32());
            Assert.Equal(worldSize, r.GetProperty("world_size").GetInt32());
            // Each rank contributed [r + 1, -2(r + 1), 0.5].
            Assert.Equal(new[] { ones.Sum(), -2 * ones.Sum(), 0.5 * worldSize }, Doubles(r.GetProperty("all_reduce_SUM")));
            Assert.Equal(new[] { ones.Average(), -2 * ones.Average(), 0.5 }, Doubles(r.GetProperty("all_reduce_AVG")));
            Assert.Equal(new[] { ones.Aggregate(1.0, (a, b) => a * b), ones.Aggregate(1.0, (a, b) => a * -2 * b), Math.Pow(0.5, worldSize) },
                Doubles(r.GetProperty("all_reduce_PRODUCT")));
            Assert.Equal(new[] { 1.0, -2.0 * worldSize, 0.5 }, Doubles(r.GetProperty("all_reduce_MIN")));
            Assert.Equal(new[] { worldSize, -2.0, 0.5 }, Doubles(r.GetProperty("all_reduce_MAX")));
            Assert.Equal(Enumerable.Repeat((worldSize - 1) * 10.0, 4), Doubles(r.GetProperty("broadcast")));
            var gathered = r.GetProperty("all_gather").EnumerateArray().Select(Doubles).ToArray();
            Assert.Equal(Enumerable.Range(0, worldSize).Select(i => new[] { i, (double)i * i, -i }), gathered);
            // reduce_scatter: rank q contributed [q + i, q * i] for position i; this rank keeps position `rank`.
            var qs = Enumerable.Range(0, worldSize).ToArray();
            Assert.Equal(new[] { qs.Sum(q => (double)q + rank), qs.Sum(q => (double)q * rank) }, Doubles(r.GetProperty("reduce_scatter")));
        }
    }

    [SkippableFact]
    public void ADeadPeerMakesTheOthersFailNamingRankAndOperationWithinTheTimeout()
    {
        Skip.IfNot(torch.distributed.is_available(), "this shim was built without c10d Gloo (libgloo-dev)");
        var ranks = DistributedRanks.Run(3, "peer-dies", TimeSpan.FromSeconds(90), collectiveTimeout: TimeSpan.FromSeconds(20));
        for (var rank = 0; rank < 2; rank++)
        {
            var (exit, json, output, errors) = ranks[rank];
            Assert.True(exit == 0 && json is not null, $"rank {rank} exited {exit}: {output} {errors}");
            var error = json!.Value.GetProperty("error").GetString();
            Assert.Contains($"rank {rank} of 3: all_reduce failed", error);
            Assert.True(json.Value.GetProperty("seconds").GetDouble() < 25, $"rank {rank} took {json.Value.GetProperty("seconds")} s to notice");
        }
    }

    [Fact]
    public void MisconfiguredRendezvousNamesWhatIsMissing()
    {
        var e = Assert.Throws<ArgumentException>(() => torch.distributed.init_process_group(init_method: "file:///tmp/x", rank: 0, world_size: 1));
        Assert.Contains("'env://' or 'tcp://host:port'", e.Message);
        e = Assert.Throws<ArgumentException>(() => torch.distributed.init_process_group("nccl", rank: 0, world_size: 1));
        Assert.Contains("backend 'nccl'", e.Message);
        Assert.False(torch.distributed.is_initialized());
        Assert.Equal(0, torch.distributed.get_rank());
        Assert.Equal(1, torch.distributed.get_world_size());
        Assert.Throws<InvalidOperationException>(() => torch.distributed.barrier());
    }

    [SkippableFact]
    public void ASingleProcessGroupWorksWithoutPeers()
    {
        Skip.IfNot(torch.distributed.is_available(), "this shim was built without c10d Gloo (libgloo-dev)");
        using var scope = torch.NewDisposeScope();
        var address = $"tcp://127.0.0.1:{Vision.TestUtilities.DistributedWorker.FreePort()}";
        var group = torch.distributed.init_process_group(init_method: address, rank: 0, world_size: 1, timeout: TimeSpan.FromSeconds(10));
        try
        {
            Assert.True(torch.distributed.is_initialized());
            var t = torch.tensor(new[] { 1.5, -2.0 });
            torch.distributed.all_reduce(t, Vision.Distributed.ReduceOp.AVG);
            Assert.Equal(new[] { 1.5, -2.0 }, t.data<double>());
            Assert.Throws<InvalidOperationException>(() => torch.distributed.init_process_group(init_method: address, rank: 0, world_size: 1));
        }
        finally
        {
            torch.distributed.destroy_process_group();
        }
        Assert.False(torch.distributed.is_initialized());
        Assert.Throws<ObjectDisposedException>(() => torch.distributed.barrier(group));
    }
}
