using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Vision.Engine.Evolve;

/// <summary>
/// <c>evolve.csv</c> and the claims of generations in progress (<c>evolve.claims</c>), read and changed only under
/// the lock file <c>evolve.lock</c>, so several processes (on one machine or several sharing the folder) can evolve
/// together: each claims the next generation number, trains it, and appends its row.
/// </summary>
/// <remarks>
/// Columns: <c>generation, fitness, &lt;metrics…&gt;, iters, budget_iters, stopped_early, &lt;hyperparameters…&gt;, curve</c>
/// (numbers in round-trip form, the curve as <c>;</c>-separated fitness values). A claim names its host and process;
/// claims of processes on this host that are no longer running are dropped, so a killed run's generation is
/// trained again when it resumes.
/// </remarks>
public sealed class EvolveLog
{
    private static readonly string[] Fixed = ["generation", "fitness", "iters", "budget_iters", "stopped_early", "curve"];
    private readonly SearchSpace space;
    private readonly string lockPath;
    private readonly string claimsPath;

    /// <summary>Opens (without creating) the log in <paramref name="folder"/> for <paramref name="space"/>.</summary>
    public EvolveLog(string folder, SearchSpace space)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        this.space = space ?? throw new ArgumentNullException(nameof(space));
        if (space.Names.FirstOrDefault(n => Fixed.Contains(n, StringComparer.OrdinalIgnoreCase)) is { } clash)
        {
            throw new ArgumentException($"hyperparameter name '{clash}' is a column name of evolve.csv; choose another.", nameof(space));
        }
        Directory.CreateDirectory(folder);
        CsvPath = Path.Combine(folder, "evolve.csv");
        lockPath = Path.Combine(folder, "evolve.lock");
        claimsPath = Path.Combine(folder, "evolve.claims");
    }

    /// <summary>The path of <c>evolve.csv</c>.</summary>
    public string CsvPath { get; }

    /// <summary>How long to wait for the lock before giving up.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>All results so far, by generation.</summary>
    public IReadOnlyList<EvolveRecord> Read()
    {
        using var held = FileLock.Acquire(lockPath, LockTimeout);
        return ReadRecords();
    }

    /// <summary>
    /// Claims the next generation unless <paramref name="generations"/> are already done or in progress: the number
    /// after every finished and claimed one, with the results finished so far.
    /// </summary>
    public (int Generation, IReadOnlyList<EvolveRecord> Records)? Claim(int generations)
    {
        using var held = FileLock.Acquire(lockPath, LockTimeout);
        var records = ReadRecords();
        var claims = ReadClaims().Where(IsAlive).ToList();
        if (records.Count + claims.Count >= generations)
        {
            WriteClaims(claims);
            return null;
        }
        var generation = records.Select(r => r.Generation).Concat(claims.Select(c => c.Generation)).DefaultIfEmpty(-1).Max() + 1;
        claims.Add((generation, Environment.MachineName, Environment.ProcessId));
        WriteClaims(claims);
        return (generation, records);
    }

    /// <summary>Appends <paramref name="record"/> and drops its claim.</summary>
    public void Complete(EvolveRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var held = FileLock.Acquire(lockPath, LockTimeout);
        var header = File.Exists(CsvPath) ? File.ReadLines(CsvPath).FirstOrDefault() : null;
        var metricNames = header is null ? [.. record.Metrics.Keys.Order(StringComparer.Ordinal)] : MetricColumns(header.Split(','));
        var text = new StringBuilder();
        if (header is null)
        {
            text.AppendLine(string.Join(",", new[] { "generation", "fitness" }.Concat(metricNames)
                .Concat(["iters", "budget_iters", "stopped_early"]).Concat(space.Names).Append("curve")));
        }
        var cells = new List<string> { record.Generation.ToString(CultureInfo.InvariantCulture), SearchSpace.Format(record.Fitness) };
        cells.AddRange(metricNames.Select(m => SearchSpace.Format(record.Metrics.TryGetValue(m, out var v) ? v : double.NaN)));
        cells.AddRange([record.Iters.ToString(CultureInfo.InvariantCulture), record.BudgetIters.ToString(CultureInfo.InvariantCulture), record.StoppedEarly ? "1" : "0"]);
        cells.AddRange(record.Values.Select(SearchSpace.Format));
        cells.Add(string.Join(";", record.Curve.Select(SearchSpace.Format)));
        text.AppendLine(string.Join(",", cells));
        using (var stream = new FileStream(CsvPath, FileMode.Append, FileAccess.Write, FileShare.Read))
        {
            var bytes = Encoding.UTF8.GetBytes(text.ToString());
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        WriteClaims([.. ReadClaims().Where(c => c.Generation != record.Generation)]);
    }

    /// <summary>Drops the claim on <paramref name="generation"/> without a result (an interrupted candidate).</summary>
    public void Release(int generation)
    {
        using var held = FileLock.Acquire(lockPath, LockTimeout);
        WriteClaims([.. ReadClaims().Where(c => c.Generation != generation)]);
    }

    private IReadOnlyList<string> MetricColumns(string[] header) =>
        [.. header.Where(c => !Fixed.Contains(c) && !space.Names.Contains(c))];

    private List<EvolveRecord> ReadRecords()
    {
        if (!File.Exists(CsvPath))
        {
            return [];
        }
        var lines = File.ReadAllLines(CsvPath);
        if (lines.Length == 0)
        {
            return [];
        }
        var header = lines[0].Split(',');
        var column = header.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i);
        if (space.Names.Concat(Fixed).FirstOrDefault(n => !column.ContainsKey(n)) is { } missing)
        {
            throw new InvalidDataException($"{CsvPath}: the header has no column '{missing}'; it was written for another search space (its columns: {lines[0]}). Use another work dir or the same evolve settings.");
        }
        var extra = header.Where(h => !Fixed.Contains(h) && !space.Names.Contains(h)).ToList();
        var records = new List<EvolveRecord>();
        for (var row = 1; row < lines.Length; row++)
        {
            if (lines[row].Length == 0)
            {
                continue;
            }
            var cells = lines[row].Split(',');
            if (cells.Length != header.Length)
            {
                throw new InvalidDataException($"{CsvPath}, line {row + 1}: {cells.Length} cells, but the header has {header.Length}.");
            }
            double Number(string name) => double.TryParse(cells[column[name]], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                : throw new InvalidDataException($"{CsvPath}, line {row + 1}: '{name}' is '{cells[column[name]]}', not a number.");
            var curve = cells[column["curve"]];
            records.Add(new EvolveRecord(
                (int)Number("generation"),
                Number("fitness"),
                extra.ToDictionary(m => m, Number),
                [.. space.Names.Select(Number)],
                (long)Number("iters"),
                (long)Number("budget_iters"),
                Number("stopped_early") != 0,
                curve.Length == 0 ? [] : [.. curve.Split(';').Select(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture))]));
        }
        return [.. records.OrderBy(r => r.Generation)];
    }

    private List<(int Generation, string Host, int Pid)> ReadClaims() =>
        !File.Exists(claimsPath) ? [] :
        [.. File.ReadAllLines(claimsPath).Where(l => l.Length > 0).Select(l => l.Split(',')).Select(c =>
            (int.Parse(c[0], CultureInfo.InvariantCulture), c[1], int.Parse(c[2], CultureInfo.InvariantCulture)))];

    private void WriteClaims(IEnumerable<(int Generation, string Host, int Pid)> claims)
    {
        var temporary = claimsPath + ".tmp";
        File.WriteAllLines(temporary, claims.Select(c => $"{c.Generation},{c.Host},{c.Pid}"));
        File.Move(temporary, claimsPath, overwrite: true);
    }

    // A claim from another machine is trusted; one from this machine counts only while its process runs.
    private static bool IsAlive((int Generation, string Host, int Pid) claim)
    {
        if (claim.Host != Environment.MachineName || claim.Pid == Environment.ProcessId)
        {
            return true;
        }
        try
        {
            using var process = Process.GetProcessById(claim.Pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
