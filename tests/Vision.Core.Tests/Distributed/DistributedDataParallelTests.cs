using Vision.Tests.Tensors;
using Vision.TestUtilities;

namespace Vision.Tests.Distributed;

/// <summary>
/// DistributedDataParallel on 2 and 3 real processes: each rank compares its DDP model with a reference trained on
/// the whole global batch in the same process and reports the largest difference.
/// </summary>
[Collection(SerialCollection.Name)]
public class DistributedDataParallelTests
{
    private static void AllRanksSucceeded(IReadOnlyList<DistributedRanks.RankResult> ranks)
    {
        for (var rank = 0; rank < ranks.Count; rank++)
        {
            var (exit, json, output, errors) = ranks[rank];
            Assert.True(exit == 0 && json is not null, $"rank {rank} exited {exit}: {output} {errors}");
        }
    }

    [SkippableTheory]
    [InlineData(2)]
    [InlineData(3)]
    public void ShardedStepsEqualTheWholeBatchOnOneProcess(int worldSize)
    {
        Skip.IfNot(torch.distributed.is_available(), "this shim was built without c10d Gloo (libgloo-dev)");
        var ranks = DistributedRanks.Run(worldSize, "ddp", TimeSpan.FromSeconds(120));
        AllRanksSucceeded(ranks);
        foreach (var (_, json, _, _) in ranks)
        {
            var r = json!.Value;
            var rank = r.GetProperty("rank").GetInt32();
            // Parameters were broadcast from rank 0 (the other ranks started from other seeds).
            Assert.Equal(0, r.GetProperty("initial_max_diff").GetDouble());
            // Averaged gradients of the shards = gradient of the mean loss over the whole batch.
            Assert.True(r.GetProperty("grad_max_diff").GetDouble() < 1e-6, $"rank {rank}: gradients differ by {r.GetProperty("grad_max_diff")}");
            Assert.True(r.GetProperty("sgd_max_diff").GetDouble() < 1e-6, $"rank {rank}: weights after 3 SGD steps differ by {r.GetProperty("sgd_max_diff")}");
            // Inside no_sync the gradient stays this rank's own; the next synchronised backward reduces the accumulated sum.
            Assert.True(r.GetProperty("no_sync_local_max_diff").GetDouble() < 1e-7, $"rank {rank}: no_sync communicated");
            Assert.True(r.GetProperty("no_sync_max_diff").GetDouble() < 1e-6, $"rank {rank}: accumulated gradients differ by {r.GetProperty("no_sync_max_diff")}");
        }
    }

    [SkippableFact]
    public void UnusedParametersNeedFindUnusedParameters()
    {
        Skip.IfNot(torch.distributed.is_available(), "this shim was built without c10d Gloo (libgloo-dev)");
        var found = DistributedRanks.Run(2, "ddp-unused find", TimeSpan.FromSeconds(120));
        AllRanksSucceeded(found);
        foreach (var (_, json, _, _) in found)
        {
            var r = json!.Value;
            Assert.Equal("", r.GetProperty("error").GetString());
            Assert.True(r.GetProperty("unused_grad_is_null").GetBoolean());
            Assert.True(r.GetProperty("used_grad_max_diff").GetDouble() < 1e-6);
        }

        // Without it the reducer waits for the unused parameter's gradient and says so at the next iteration, as PyTorch does.
        var stuck = DistributedRanks.Run(2, "ddp-unused", TimeSpan.FromSeconds(120));
        AllRanksSucceeded(stuck);
        foreach (var (_, json, _, _) in stuck)
        {
            Assert.Contains("Expected to have finished reduction in the prior iteration", json!.Value.GetProperty("error").GetString());
        }
    }

    [SkippableTheory]
    [InlineData(2)]
    [InlineData(3)]
    public void SyncBatchNormEqualsBatchNormOverTheWholeBatch(int worldSize)
    {
        Skip.IfNot(torch.distributed.is_available(), "this shim was built without c10d Gloo (libgloo-dev)");
        var ranks = DistributedRanks.Run(worldSize, "syncbn", TimeSpan.FromSeconds(120));
        AllRanksSucceeded(ranks);
        foreach (var (_, json, _, _) in ranks)
        {
            var r = json!.Value;
            foreach (var key in new[] { "output_max_diff", "input_grad_max_diff", "param_grad_max_diff", "running_stats_max_diff" })
            {
                Assert.True(r.GetProperty(key).GetDouble() < 1e-5, $"rank {r.GetProperty("rank")}: {key} = {r.GetProperty(key)}");
            }
            Assert.True(r.GetProperty("running_var_moved").GetDouble() > 0.01, "the running variance was not updated");
        }
    }
}
