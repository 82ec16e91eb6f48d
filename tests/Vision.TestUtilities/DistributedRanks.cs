using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Vision.TestUtilities;

/// <summary>
/// Starts Vision.DistributedWorker as <c>n</c> real rank processes on loopback (the torchrun environment, one
/// intra-op thread each) and collects what each printed; <c>scenario</c> is the worker's arguments, separated by spaces.
/// </summary>
public static class DistributedRanks
{
    /// <summary>What one rank process left behind.</summary>
    public sealed record RankResult(int ExitCode, JsonElement? Json, string Output, string Errors);

    /// <summary>A started rank: its process and what it prints, read as it comes.</summary>
    public sealed record RankProcess(Process Process, Task<string> Output, Task<string> Errors)
    {
        /// <summary>The rank's result once it has exited: its exit code and the last JSON line it printed.</summary>
        public RankResult Result()
        {
            var output = Output.Result;
            var line = output.Split('\n').LastOrDefault(l => l.TrimStart().StartsWith('{'));
            return new RankResult(Process.ExitCode, line is null ? null : JsonDocument.Parse(line).RootElement, output, Errors.Result);
        }
    }

    /// <summary>Runs the ranks to their end (failing the test after <paramref name="limit"/>) and returns their results in rank order.</summary>
    public static IReadOnlyList<RankResult> Run(int worldSize, string scenario, TimeSpan limit, TimeSpan? collectiveTimeout = null)
    {
        var processes = Start(worldSize, scenario, collectiveTimeout);
        try
        {
            WaitForExit(processes, limit);
        }
        finally
        {
            KillSurvivors(processes);
        }
        return processes.Select(p => p.Result()).ToList();
    }

    /// <summary>Starts the ranks; the caller waits for them and kills the survivors (<see cref="KillSurvivors"/>).</summary>
    public static IReadOnlyList<RankProcess> Start(int worldSize, string scenario, TimeSpan? collectiveTimeout = null)
    {
        var worker = DistributedWorker.Assembly;
        Assert.True(File.Exists(worker), $"the distributed worker was not built: {worker}");
        var port = DistributedWorker.FreePort();
        return Enumerable.Range(0, worldSize).Select(rank =>
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(worker);
            foreach (var argument in scenario.Split(' '))
            {
                start.ArgumentList.Add(argument);
            }
            start.Environment["MASTER_ADDR"] = "127.0.0.1";
            start.Environment["MASTER_PORT"] = port.ToString(CultureInfo.InvariantCulture);
            start.Environment["RANK"] = rank.ToString(CultureInfo.InvariantCulture);
            start.Environment["LOCAL_RANK"] = rank.ToString(CultureInfo.InvariantCulture);
            start.Environment["WORLD_SIZE"] = worldSize.ToString(CultureInfo.InvariantCulture);
            start.Environment["LOCAL_WORLD_SIZE"] = worldSize.ToString(CultureInfo.InvariantCulture);
            start.Environment["OMP_NUM_THREADS"] = "1";
            start.Environment["VISION_DIST_TIMEOUT"] = (collectiveTimeout ?? TimeSpan.FromSeconds(60)).TotalSeconds.ToString(CultureInfo.InvariantCulture);
            var process = Process.Start(start)!;
            return new RankProcess(process, process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        }).ToList();
    }

    /// <summary>Waits until every rank has exited, failing the test after <paramref name="limit"/>.</summary>
    public static void WaitForExit(IEnumerable<RankProcess> processes, TimeSpan limit)
    {
        var deadline = Stopwatch.StartNew();
        foreach (var rank in processes)
        {
            var left = limit - deadline.Elapsed;
            if (left <= TimeSpan.Zero || !rank.Process.WaitForExit(left))
            {
                Assert.Fail($"the ranks did not finish within {limit.TotalSeconds} s");
            }
        }
    }

    /// <summary>Kills the ranks that are still running.</summary>
    public static void KillSurvivors(IEnumerable<RankProcess> processes)
    {
        foreach (var rank in processes.Where(p => !p.Process.HasExited))
        {
            rank.Process.Kill(entireProcessTree: true);
        }
    }
}
