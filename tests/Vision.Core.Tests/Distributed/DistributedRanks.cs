using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
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
        // The worker is built next to this test assembly's configuration: .../tests/Vision.DistributedWorker/bin/<cfg>/<tfm>/.
        var here = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var tfm = Path.GetFileName(here);
        var configuration = Path.GetFileName(Path.GetDirectoryName(here)!);
        var worker = Path.Combine(RepositoryPaths.Root, "tests", "Vision.DistributedWorker", "bin", configuration, tfm, "Vision.DistributedWorker.dll");
        Assert.True(File.Exists(worker), $"the distributed worker was not built: {worker}");
        var port = FreePort();
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

    /// <summary>A TCP port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
