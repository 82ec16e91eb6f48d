using static Vision.Native.NativeMethods;

namespace Vision.Threading;

/// <summary>
/// Chooses how many threads libtorch's kernels use. A process that calls libtorch from .NET starts with whatever
/// libtorch's OpenMP runtime picked (one thread on some machines), so a training run sets the count deliberately:
/// by default one thread per physical core, as PyTorch's <c>intraop_default_num_threads</c> intends, unless
/// <c>OMP_NUM_THREADS</c> or <c>MKL_NUM_THREADS</c> say otherwise. Data-loader workers run their own ops on one thread
/// each (<see cref="LimitCurrentThread"/>), as PyTorch's DataLoader workers do, so they do not compete with the
/// training step for the cores.
/// </summary>
public static class IntraOpThreads
{
    /// <summary>
    /// The default intra-op thread count: <c>OMP_NUM_THREADS</c>, else <c>MKL_NUM_THREADS</c> (when a positive
    /// integer), else the physical cores this process may use.
    /// </summary>
    public static int Default => FromEnvironment("OMP_NUM_THREADS") ?? FromEnvironment("MKL_NUM_THREADS") ?? PhysicalCores;

    /// <summary>Where <see cref="Default"/> comes from, for run headers: "OMP_NUM_THREADS", "MKL_NUM_THREADS" or "physical cores".</summary>
    public static string DefaultSource =>
        FromEnvironment("OMP_NUM_THREADS") is not null ? "OMP_NUM_THREADS"
        : FromEnvironment("MKL_NUM_THREADS") is not null ? "MKL_NUM_THREADS"
        : "physical cores";

    /// <summary>
    /// The physical cores this process may use: distinct (package, core) pairs in <c>/proc/cpuinfo</c>, capped by
    /// <see cref="Environment.ProcessorCount"/> (which honours affinity masks and cgroup CPU limits); the processor
    /// count where the topology cannot be read.
    /// </summary>
    public static int PhysicalCores
    {
        get
        {
            var cores = File.Exists("/proc/cpuinfo") ? CountPhysicalCores(File.ReadAllText("/proc/cpuinfo")) : 0;
            return cores > 0 ? Math.Min(cores, Environment.ProcessorCount) : Environment.ProcessorCount;
        }
    }

    /// <summary>
    /// Sets libtorch's intra-op thread count (<c>torch.set_num_threads</c>) to <paramref name="requested"/>, or to
    /// <see cref="Default"/> when it is null; returns the count now in effect on this thread.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="requested"/> is not positive.</exception>
    public static int Configure(int? requested)
    {
        torch.set_num_threads(requested ?? Default);
        return torch.get_num_threads();
    }

    /// <summary>
    /// Limits the ops the calling thread runs to <paramref name="threads"/> intra-op threads without changing other
    /// threads' count (OpenMP keeps it per thread); for worker threads. Has no effect with a non-OpenMP libtorch.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is not positive.</exception>
    public static void LimitCurrentThread(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        Check(vt_set_current_thread_num_threads(threads));
    }

    /// <summary>
    /// Counts the distinct <c>physical id</c>/<c>core id</c> pairs of a <c>/proc/cpuinfo</c> text; 0 when it lists no
    /// core ids (some virtual machines and architectures), so the caller falls back to the processor count.
    /// </summary>
    public static int CountPhysicalCores(string cpuinfo)
    {
        ArgumentNullException.ThrowIfNull(cpuinfo);
        var cores = new HashSet<(string Package, string Core)>();
        foreach (var processor in cpuinfo.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string? package = null, core = null;
            foreach (var line in processor.Split('\n'))
            {
                var colon = line.IndexOf(':');
                if (colon < 0)
                {
                    continue;
                }
                var key = line[..colon].Trim();
                if (key == "physical id")
                {
                    package = line[(colon + 1)..].Trim();
                }
                else if (key == "core id")
                {
                    core = line[(colon + 1)..].Trim();
                }
            }
            if (core is not null)
            {
                cores.Add((package ?? "0", core));
            }
        }
        return cores.Count;
    }

    private static int? FromEnvironment(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) && value > 0 ? value : null;
}
