using System.Diagnostics;
using Vision.Engine.Evolve;
using Vision.Engine.Tests.Configuration;

namespace Vision.Engine.Tests.Evolve;

public sealed class EvolveLogTests : IDisposable
{
    private static readonly SearchSpace Space = new([new HyperParameter("lr", ["lr"], 1, 1e-5, 1), new HyperParameter("momentum", ["momentum"], 0.3, 0.6, 0.98)]);
    private readonly ConfigFiles files = new();

    public void Dispose() => files.Dispose();

    private static EvolveRecord Record(int generation, double fitness) => new(
        generation, fitness, new Dictionary<string, double> { ["accuracy/top1"] = fitness, ["loss"] = 1 / 3.0 },
        [0.1 / 3, 0.9], 40, 60, generation % 2 == 1, [fitness / 2, fitness]);

    [Fact]
    public void RowsReadBackExactlyWithTheirMetricsHyperparametersAndCurve()
    {
        var log = new EvolveLog(files.Root, Space);
        Assert.Equal((0, 0), log.Claim(2) is var (g, rows) ? (g, rows.Count) : (-1, -1));
        log.Complete(Record(0, 0.1 + 0.2));
        var read = Assert.Single(log.Read());
        var expected = Record(0, 0.1 + 0.2);
        Assert.Equal((expected.Generation, expected.Fitness, expected.Iters, expected.BudgetIters, expected.StoppedEarly),
            (read.Generation, read.Fitness, read.Iters, read.BudgetIters, read.StoppedEarly));
        Assert.Equal(expected.Metrics, read.Metrics);
        Assert.Equal(expected.Values, read.Values);
        Assert.Equal(expected.Curve, read.Curve);
        Assert.Equal("generation,fitness,accuracy/top1,loss,iters,budget_iters,stopped_early,lr,momentum,curve", File.ReadLines(log.CsvPath).First());
    }

    [Fact]
    public void ClaimsNumberGenerationsPastFinishedAndClaimedOnesAndStopAtTheTotal()
    {
        var log = new EvolveLog(files.Root, Space);
        Assert.Equal(0, log.Claim(3)!.Value.Generation);
        Assert.Equal(1, log.Claim(3)!.Value.Generation);
        log.Complete(Record(1, 0.5));
        var (generation, records) = log.Claim(3)!.Value;
        Assert.Equal(2, generation);
        Assert.Equal([1], records.Select(r => r.Generation));
        Assert.Null(log.Claim(3));
        log.Release(2);
        Assert.Equal(2, log.Claim(3)!.Value.Generation);
    }

    [Fact]
    public void AClaimOfAProcessThatEndedIsDroppedSoItsGenerationIsTrainedAgain()
    {
        using var ended = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        ended.WaitForExit();
        File.WriteAllText(Path.Combine(files.Root, "evolve.claims"), $"0,{Environment.MachineName},{ended.Id}\n1,another-machine,{ended.Id}\n");
        var log = new EvolveLog(files.Root, Space);
        // Generation 0 was claimed by a process of this machine that is gone; generation 1 belongs to another machine.
        Assert.Equal(2, log.Claim(4)!.Value.Generation);
        Assert.Equal(["1,another-machine", $"2,{Environment.MachineName}"], File.ReadAllLines(Path.Combine(files.Root, "evolve.claims")).Select(l => l[..l.LastIndexOf(',')]));
    }

    [Fact]
    public void ConcurrentWritersEachGetTheirOwnGenerationsAndNoRowIsLostOrTorn()
    {
        const int writers = 6, perWriter = 15;
        var threads = Enumerable.Range(0, writers).Select(_ => new Thread(() =>
        {
            // Each writer has its own log object, so every lock is a separate FileStream with FileShare.None.
            var log = new EvolveLog(files.Root, Space);
            while (log.Claim(writers * perWriter) is var (generation, _))
            {
                log.Complete(Record(generation, generation / 100.0));
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        var rows = new EvolveLog(files.Root, Space).Read();
        Assert.Equal(Enumerable.Range(0, writers * perWriter), rows.Select(r => r.Generation));
        Assert.All(rows, r => Assert.Equal(r.Generation / 100.0, r.Fitness));
        Assert.Empty(File.ReadAllText(Path.Combine(files.Root, "evolve.claims")).Trim());
    }

    [Fact]
    public void ALockHeldByAnotherProcessMakesTheLogWaitAndTimeOutNamingTheFile()
    {
        // python's fcntl.flock is the same advisory lock .NET takes for FileShare.None on Unix.
        var lockPath = Path.Combine(files.Root, "evolve.lock");
        using var holder = Process.Start(new ProcessStartInfo("/usr/bin/python3",
            ["-c", $"import fcntl,sys,time; f=open('{lockPath}','a'); fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(1.5)"])
        { RedirectStandardOutput = true, UseShellExecute = false })!;
        Assert.Equal("held", holder.StandardOutput.ReadLine());
        var waiting = new EvolveLog(files.Root, Space) { LockTimeout = TimeSpan.FromMilliseconds(300) };
        Assert.Contains(lockPath, Assert.Throws<TimeoutException>(() => waiting.Read()).Message, StringComparison.Ordinal);
        var stopwatch = Stopwatch.StartNew();
        var patient = new EvolveLog(files.Root, Space) { LockTimeout = TimeSpan.FromSeconds(30) };
        Assert.Empty(patient.Read());
        Assert.True(stopwatch.Elapsed > TimeSpan.FromSeconds(0.5), "the read waited for the other process to let go");
        holder.WaitForExit();
    }

    [Fact]
    public void ACsvWrittenForAnotherSearchSpaceIsRefusedNamingTheMissingColumn()
    {
        var log = new EvolveLog(files.Root, Space);
        log.Complete(Record(0, 0.5));
        var other = new EvolveLog(files.Root, new SearchSpace([new HyperParameter("wd", ["wd"], 1, 0, 1)]));
        Assert.Contains("no column 'wd'", Assert.Throws<InvalidDataException>(() => other.Read()).Message, StringComparison.Ordinal);
    }
}
