using System.Diagnostics;
using System.Text.Json;
using Vision.TestUtilities;

namespace Vision.Engine.Tests.Distributed;

/// <summary>
/// The Trainer started as real rank processes on loopback (tests/Vision.DistributedWorker, one intra-op thread each):
/// it detects the torchrun environment itself, and what N ranks compute is compared with one process.
/// </summary>
public sealed class DataParallelTrainerTests : IDisposable
{
    private readonly string workDir = Directory.CreateTempSubdirectory("vision-ddp-trainer-").FullName;

    public void Dispose() => Directory.Delete(workDir, recursive: true);

    [Fact]
    public void TwoRanksWithHalfTheBatchTrainTheWeightsOfOneProcessAndResumeAlone()
    {
        // 48 samples, batch 4 per rank, accumulate 2, SyncBatchNorm, shuffled by the sampler, 2 epochs with validation on
        // 21 samples; rank 0 repeats it alone with batch 8, and resumes the 2-rank checkpoint alone for a third epoch.
        var ranks = DistributedRanks.Run(2, $"trainer {workDir} 2", TimeSpan.FromSeconds(120));
        var json = ranks.Select((r, i) => r.Json ?? throw new Xunit.Sdk.XunitException($"rank {i} exited {r.ExitCode}: {r.Output} {r.Errors}")).ToArray();
        foreach (var r in json)
        {
            Assert.True(r.GetProperty("data_parallel").GetBoolean());
            Assert.Equal(2, r.GetProperty("world_size").GetInt32());
            Assert.Equal(6, r.GetProperty("epoch_length").GetInt32());
            // One all-reduce per optimizer step: the first batch of each window of 2 runs under no_sync.
            Assert.Equal([false, true, false, true, false, true, false, true, false, true, false, true],
                r.GetProperty("sync_flags").EnumerateArray().Select(e => e.GetBoolean()));
        }
        var rank0 = json[0];
        Assert.True(rank0.GetProperty("weights_max_diff").GetDouble() < 1e-5, $"weights differ by {rank0.GetProperty("weights_max_diff")}");
        var ddp = Metrics(rank0.GetProperty("ddp_metrics"));
        var single = Metrics(rank0.GetProperty("single_metrics"));
        Assert.Equal(single.Keys.Order(), ddp.Keys.Order());
        Assert.Equal(single["accuracy/top1"], ddp["accuracy/top1"]);
        Assert.Equal(single["loss"], ddp["loss"], 1e-5);
        Assert.Equal(ddp, Metrics(json[1].GetProperty("ddp_metrics")));
        Assert.Equal(3, rank0.GetProperty("resumed_epochs").GetInt32());
        Assert.True(rank0.GetProperty("resume_max_diff").GetDouble() < 1e-5, $"the resumed run differs by {rank0.GetProperty("resume_max_diff")}");
    }

    [SkippableFact]
    public void ThreeRanksEvaluateEveryFashionMnistTestSampleOnceAsOneProcessDoes()
    {
        Skip.IfNot(File.Exists("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"),
            "Fashion-MNIST is missing. Install: sudo apt-get install dataset-fashion-mnist");
        // 10,000 samples on 3 ranks: each evaluates 3,334, two of them padding repeats that must not count.
        var ranks = DistributedRanks.Run(3, $"evaluate {workDir}", TimeSpan.FromSeconds(120));
        var json = ranks.Select((r, i) => r.Json ?? throw new Xunit.Sdk.XunitException($"rank {i} exited {r.ExitCode}: {r.Output} {r.Errors}")).ToArray();
        var single = json[0].GetProperty("single");
        Assert.Equal(10_000, single.GetProperty("samples").GetInt64());
        var expected = Metrics(single.GetProperty("metrics"));
        foreach (var r in json)
        {
            var distributed = r.GetProperty("distributed");
            Assert.Equal(10_000, distributed.GetProperty("samples").GetInt64());
            var metrics = Metrics(distributed.GetProperty("metrics"));
            Assert.Equal(expected.Keys.Order(), metrics.Keys.Order());
            foreach (var (name, value) in expected)
            {
                // Counting metrics are equal exactly; the mean loss may differ in float rounding of a batch's forward.
                Assert.Equal(value, metrics[name], name == "loss" ? 1e-6 : 0.0);
            }
        }
    }

    [SkippableFact]
    public void AutoScaleLrScalesByTheGlobalBatch()
    {
        Skip.IfNot(File.Exists("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"),
            "Fashion-MNIST is missing. Install: sudo apt-get install dataset-fashion-mnist");
        var ranks = DistributedRanks.Run(2, $"auto-scale-lr {workDir}", TimeSpan.FromSeconds(120));
        foreach (var (r, i) in ranks.Select((r, i) => (r, i)))
        {
            var json = r.Json ?? throw new Xunit.Sdk.XunitException($"rank {i} exited {r.ExitCode}: {r.Output} {r.Errors}");
            Assert.Equal(2, json.GetProperty("world_size").GetInt32());
            // lr 0.1 tuned for batch 256; the run's global batch is 2 ranks × 32.
            Assert.Equal(0.1 * 64 / 256, json.GetProperty("lr").GetDouble(), 1e-12);
        }
    }

    // Ten trials (43-56 s on a busy 2-core machine): each trains on 3 ranks until every rank has taken steps, then
    // kills one (rank 0, the store's host, in even trials); the others must fail their next collective and exit
    // non-zero within the 20 s collective timeout.
    [Fact]
    public void KillingARankMakesTheOthersExitNonZeroWithinTheTimeoutInTenOfTenTrials()
    {
        var collectiveTimeout = TimeSpan.FromSeconds(20);
        for (var trial = 0; trial < 10; trial++)
        {
            var trialDir = Path.Combine(workDir, $"kill{trial}");
            var ranks = DistributedRanks.Start(3, $"train-until-killed {trialDir}", collectiveTimeout);
            try
            {
                var ready = Stopwatch.StartNew();
                while (Enumerable.Range(0, 3).Any(rank => !File.Exists(Path.Combine(trialDir, $"ready-{rank}"))))
                {
                    Assert.True(ready.Elapsed < TimeSpan.FromSeconds(60) && ranks.All(r => !r.Process.HasExited),
                        $"trial {trial}: the ranks did not start training: {string.Join(" | ", ranks.Select(r => r.Process.HasExited ? r.Errors.Result : "running"))}");
                    Thread.Sleep(100);
                }
                var victim = trial % 2 == 0 ? 0 : 2;
                var killed = Stopwatch.StartNew();
                ranks[victim].Process.Kill();
                DistributedRanks.WaitForExit(ranks, collectiveTimeout + TimeSpan.FromSeconds(15));
                foreach (var (rank, index) in ranks.Select((r, i) => (r, i)).Where(p => p.i != victim))
                {
                    var result = rank.Result();
                    Assert.True(result.ExitCode != 0, $"trial {trial}: rank {index} exited 0 after rank {victim} was killed: {result.Output}");
                    // The failed collective (DDP's all-reduce inside backward, or a barrier) surfaces as c10d's error.
                    Assert.StartsWith("TorchException: ", result.Json!.Value.GetProperty("error").GetString());
                }
                Assert.True(killed.Elapsed < collectiveTimeout + TimeSpan.FromSeconds(5), $"trial {trial}: the survivors took {killed.Elapsed.TotalSeconds:F1} s");
            }
            finally
            {
                DistributedRanks.KillSurvivors(ranks);
            }
        }
    }

    private static Dictionary<string, double> Metrics(JsonElement metrics) =>
        metrics.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
}
