using System.Diagnostics;
using System.Text.Json;
using Vision.TestUtilities;

namespace Vision.Cli.Tests.Commands;

public sealed class LaunchCommandTests
{
    [Fact]
    public void EachRankGetsTheTorchrunEnvironmentAndItsOutputIsPrefixed()
    {
        var run = CliRun.Of("launch", "--nproc-per-node", "2", "--nnodes", "2", "--node-rank", "1", "--master-addr", "10.0.0.5", "--master-port", "29555",
            "--", "sh", "-c", "echo $RANK $LOCAL_RANK $WORLD_SIZE $LOCAL_WORLD_SIZE $GROUP_RANK $MASTER_ADDR $MASTER_PORT; echo to-stderr >&2").Succeeded();
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order().ToArray();
        Assert.Equal(["[rank 2] 2 0 4 2 1 10.0.0.5 29555", "[rank 3] 3 1 4 2 1 10.0.0.5 29555"], lines);
        Assert.Equal(["[rank 2] to-stderr", "[rank 3] to-stderr"], run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order().ToArray());
    }

    [Fact]
    public void OneFailedRankStopsTheOthersAndTheLauncherExitsWithItsCode()
    {
        var clock = Stopwatch.StartNew();
        // Rank 0 ignores SIGTERM, so the launcher must escalate to SIGKILL after --stop-timeout.
        var run = CliRun.Of("launch", "--nproc-per-node", "3", "--stop-timeout", "1", "--",
            "sh", "-c", "if [ \"$RANK\" = 1 ]; then sleep 1; echo failing; exit 3; fi; trap '' TERM; sleep 60; echo survived");
        Assert.Equal(3, run.ExitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the launcher took {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Contains("[rank 1] failing", run.Out);
        Assert.DoesNotContain("survived", run.Out);
        Assert.Contains("launch: rank 1 exited with code 3; stopping 2 other rank(s).", run.Err);
    }

    [Fact]
    public void RanksStartedByTheLauncherRunCollectivesOverC10d()
    {
        Assert.True(torch.distributed.is_available(), "this shim was built without c10d Gloo (libgloo-dev)");
        var worker = DistributedWorker.Assembly;
        var run = CliRun.Of("launch", "--nproc-per-node", "2", "--master-port", DistributedWorker.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture), "--", "dotnet", worker, "collectives").Succeeded();
        var results = run.Out.Split('\n').Where(l => l.Contains("] {")).Select(l => JsonDocument.Parse(l[(l.IndexOf(']') + 2)..]).RootElement).ToList();
        Assert.Equal([0, 1], results.Select(r => r.GetProperty("rank").GetInt32()).Order());
        Assert.All(results, r => Assert.Equal([3.0, -6.0, 1.0], r.GetProperty("all_reduce_SUM").EnumerateArray().Select(e => e.GetDouble())));
    }

    [Theory]
    [InlineData("--nnodes", "2", "--node-rank", "2", "--", "true")]
    [InlineData("--master-port", "70000", "--", "true")]
    public void InvalidPlacementsAreOneErrorLine(params string[] args)
    {
        var run = CliRun.Of(["launch", .. args]).Failed();
        Assert.Contains("--", run.Err);
    }

    [Fact]
    public void AProgramThatCannotStartIsAnError() =>
        Assert.Contains("cannot start 'no-such-program-xyz'", CliRun.Of("launch", "--", "no-such-program-xyz").Failed().Err);
}
