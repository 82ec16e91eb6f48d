using System.Diagnostics;
using System.Text.Json;
using Vision.TestUtilities;

namespace Vision.Tests.Distributed;

/// <summary>
/// Starts Vision.DistributedWorker as <c>n</c> real rank processes on loopback and collects what each printed;
/// <c>scenario</c> is the worker's arguments, separated by spaces.
/// </summary>
internal static class DistributedRanks
{
    /// <summary>What one rank process left behind.</summary>
    public sealed record RankResult(int ExitCode, JsonElement? Json, string Output, string Errors);

    public static IReadOnlyList<RankResult> Run(int worldSize, string scenario, TimeSpan limit, TimeSpan? collectiveTimeout = null)
    {
        var worker = DistributedWorker.Assembly;
        Assert.True(File.Exists(worker), $"the distributed worker was not built: {worker}");
        var port = DistributedWorker.FreePort();
        var processes = Enumerable.Range(0, worldSize).Select(rank =>
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(worker);
            foreach (var argument in scenario.Split(' '))
            {
                start.ArgumentList.Add(argument);
            }
            start.Environment["MASTER_ADDR"] = "127.0.0.1";
            start.Environment["MASTER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            start.Environment["RANK"] = rank.ToString(System.Globalization.CultureInfo.InvariantCulture);
            start.Environment["WORLD_SIZE"] = worldSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
            start.Environment["VISION_DIST_TIMEOUT"] = (collectiveTimeout ?? TimeSpan.FromSeconds(60)).TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var process = Process.Start(start)!;
            return (Process: process, Output: process.StandardOutput.ReadToEndAsync(), Errors: process.StandardError.ReadToEndAsync());
        }).ToList();
        var deadline = Stopwatch.StartNew();
        try
        {
            foreach (var (process, _, _) in processes)
            {
                var left = limit - deadline.Elapsed;
                if (left <= TimeSpan.Zero || !process.WaitForExit(left))
                {
                    Assert.Fail($"the ranks did not finish within {limit.TotalSeconds} s");
                }
            }
        }
        finally
        {
            foreach (var (process, _, _) in processes.Where(p => !p.Process.HasExited))
            {
                process.Kill(entireProcessTree: true);
            }
        }
        return processes.Select(p =>
        {
            var output = p.Output.Result;
            var line = output.Split('\n').LastOrDefault(l => l.TrimStart().StartsWith('{'));
            return new RankResult(p.Process.ExitCode, line is null ? null : JsonDocument.Parse(line).RootElement, output, p.Errors.Result);
        }).ToList();
    }

}
