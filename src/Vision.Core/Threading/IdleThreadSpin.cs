using System.Runtime.InteropServices;

namespace Vision.Threading;

/// <summary>
/// How long the idle threads of libtorch's two thread pools spin before they sleep, set before libtorch loads.
/// Debian's libtorch runs its kernels on an OpenMP pool (libgomp) and its matrix products on OpenBLAS, which keeps a
/// pool of its own. By default an idle libgomp thread spins for 300,000 rounds after each parallel region and an idle
/// OpenBLAS thread yields in a loop for about 2^28 cycles. Between them they keep every core busy while the other
/// pool has work, so a model that mixes convolutions and matrix products fights itself for the cores: ViT-tiny
/// trained 2.5–2.9× slower at 64 px and 1.7× slower at 224 px on 2 cores (benchmarks/README.md). Vision sets
/// <c>GOMP_SPINCOUNT=10000</c> and <c>OPENBLAS_THREAD_TIMEOUT=4</c>, the shortest waits, unless the environment
/// already sets them. Both libraries read their variable once, when they load.
/// </summary>
public static partial class IdleThreadSpin
{
    /// <summary>The variables and the values Vision gives them when the environment does not.</summary>
    public static IReadOnlyList<(string Name, string Value)> Defaults { get; } =
    [
        ("GOMP_SPINCOUNT", "10000"),
        ("OPENBLAS_THREAD_TIMEOUT", "4"),
    ];

    /// <summary>The settings in effect for this process, as "NAME=value" (for run headers).</summary>
    public static string Describe() => string.Join(", ", Defaults.Select(d => $"{d.Name}={Get(d.Name) ?? "unset"}"));

    /// <summary>Sets each of <see cref="Defaults"/> that <paramref name="get"/> reports unset, through <paramref name="set"/>.</summary>
    internal static void Apply(Func<string, string?> get, Action<string, string> set)
    {
        foreach (var (name, value) in Defaults)
        {
            if (string.IsNullOrEmpty(get(name)))
            {
                set(name, value);
            }
        }
    }

    /// <summary>
    /// Sets the defaults in the process environment that native libraries read; called before libtorch loads. The
    /// settings only make things faster, so a C library without <c>setenv</c> leaves them out rather than stopping
    /// libtorch from loading.
    /// </summary>
    internal static void ApplyToProcess()
    {
        try
        {
            // .NET keeps its own copy of the environment on Linux; the libraries read the C one.
            Apply(Get, (name, value) => setenv(name, value, 0));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
        }
    }

    private static string? Get(string name)
    {
        try
        {
            return Marshal.PtrToStringUTF8(getenv(name));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr getenv(string name);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
