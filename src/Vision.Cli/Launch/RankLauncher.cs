using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Vision.Threading;

namespace Vision.Cli.Launch;

/// <summary>
/// Starts this node's ranks of a distributed job as torchrun does: each process gets the environment contract
/// (MASTER_ADDR, MASTER_PORT, RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, GROUP_RANK) and, unless set already,
/// OMP_NUM_THREADS = physical cores / processes per node; every line it prints is prefixed with its rank. When one rank
/// fails the others get SIGTERM, then SIGKILL after <see cref="LaunchOptions.StopTimeout"/>, and the launcher exits
/// with the failed rank's code, so a scheduler sees the job fail instead of hanging.
/// </summary>
public sealed partial class RankLauncher(LaunchOptions options, TextWriter stdout, TextWriter stderr)
{
    private const int SigTerm = 15;
    private readonly object writeLock = new();

    /// <summary>Runs <paramref name="command"/> (program and arguments) once per local rank and waits for all of them.</summary>
    /// <returns>0 when every rank exited with 0; else the first failed rank's exit code (130 after cancellation).</returns>
    public int Run(IReadOnlyList<string> command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Count == 0)
        {
            throw new ArgumentException("launch needs a command after '--', e.g. vision launch --nproc-per-node 2 -- vision train cfg.json.");
        }
        var ranks = new List<(int Rank, Process Process)>();
        try
        {
            for (var local = 0; local < options.ProcessesPerNode; local++)
            {
                var rank = options.NodeRank * options.ProcessesPerNode + local;
                ranks.Add((rank, Start(command, rank, local)));
            }
            return Supervise(ranks, cancellationToken);
        }
        finally
        {
            foreach (var (_, process) in ranks)
            {
                process.Dispose();
            }
        }
    }

    private Process Start(IReadOnlyList<string> command, int rank, int localRank)
    {
        var (program, arguments) = Resolve(command);
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
        start.Environment["MASTER_ADDR"] = options.MasterAddress;
        start.Environment["MASTER_PORT"] = Text(options.MasterPort);
        start.Environment["RANK"] = Text(rank);
        start.Environment["LOCAL_RANK"] = Text(localRank);
        start.Environment["WORLD_SIZE"] = Text(options.WorldSize);
        start.Environment["LOCAL_WORLD_SIZE"] = Text(options.ProcessesPerNode);
        start.Environment["GROUP_RANK"] = Text(options.NodeRank);
        if (Environment.GetEnvironmentVariable("OMP_NUM_THREADS") is null)
        {
            // The ranks of a node share its cores; each would otherwise take all of them.
            start.Environment["OMP_NUM_THREADS"] = Text(Math.Max(1, IntraOpThreads.PhysicalCores / options.ProcessesPerNode));
        }
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Write(stdout, rank, e.Data);
        process.ErrorDataReceived += (_, e) => Write(stderr, rank, e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            throw new ArgumentException($"launch: cannot start '{program}': {e.Message}.", e);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private int Supervise(List<(int Rank, Process Process)> ranks, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                Stop(ranks, "the launcher was interrupted");
                return 130;
            }
            if (ranks.FirstOrDefault(r => r.Process.HasExited && r.Process.ExitCode != 0) is { Process: not null } failed)
            {
                Stop(ranks, $"rank {failed.Rank} exited with code {failed.Process.ExitCode}");
                return failed.Process.ExitCode;
            }
            if (ranks.All(r => r.Process.HasExited))
            {
                foreach (var (_, process) in ranks)
                {
                    process.WaitForExit();   // drains the output readers
                }
                return 0;
            }
            Thread.Sleep(50);
        }
    }

    private void Stop(List<(int Rank, Process Process)> ranks, string reason)
    {
        var running = ranks.Where(r => !r.Process.HasExited).ToList();
        lock (writeLock)
        {
            stderr.WriteLine($"launch: {reason}; stopping {running.Count} other rank(s).");
        }
        foreach (var (_, process) in running)
        {
            _ = Kill(process.Id, SigTerm);
        }
        var deadline = Stopwatch.StartNew();
        foreach (var (_, process) in running)
        {
            var left = options.StopTimeout - deadline.Elapsed;
            if (left <= TimeSpan.Zero || !process.WaitForExit(left))
            {
                process.Kill(entireProcessTree: true);
            }
        }
        foreach (var (_, process) in ranks)
        {
            process.WaitForExit();
        }
    }

    private void Write(TextWriter writer, int rank, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (writeLock)
        {
            writer.WriteLine($"[rank {rank}] {line}");
            writer.Flush();
        }
    }

    // "vision" means this very tool, however it is hosted (the dotnet tool's apphost or `dotnet Vision.Cli.dll`).
    private static (string Program, IEnumerable<string> Arguments) Resolve(IReadOnlyList<string> command)
    {
        if (command[0] != VisionCli.ToolName)
        {
            return (command[0], command.Skip(1));
        }
        var host = Environment.ProcessPath ?? VisionCli.ToolName;
        return Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? (host, command.Skip(1).Prepend(typeof(VisionCli).Assembly.Location))
            : (host, command.Skip(1));
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
