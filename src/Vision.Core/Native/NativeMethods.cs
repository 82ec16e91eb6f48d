using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Vision.Native;

/// <summary>
/// The P/Invoke surface of libVisionNative (declarations are generated into NativeMethods.*.cs) and the
/// loader that finds the library next to the assemblies.
/// </summary>
internal static unsafe partial class NativeMethods
{
    internal const string Library = "VisionNative";

    // Runs before the first native call, so the resolver is in place when the library is first loaded.
    static NativeMethods() => NativeLibrary.SetDllImportResolver(typeof(NativeMethods).Assembly, Resolve);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library)
        {
            return IntPtr.Zero;
        }
        // libgomp and OpenBLAS read their idle-spin settings when they load, which is when the shim loads.
        Threading.IdleThreadSpin.ApplyToProcess();
        var file = "lib" + Library + ".so";
        var baseDir = Path.GetDirectoryName(assembly.Location) is { Length: > 0 } dir ? dir : AppContext.BaseDirectory;
        // On linux-x64 the runtime identifier folder and the portable one are the same path: try (and name) it once.
        string[] candidates =
        [
            .. new[]
            {
                Path.Combine(baseDir, file),
                Path.Combine(baseDir, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", file),
                Path.Combine(baseDir, "runtimes", "linux-x64", "native", file),
            }.Distinct(),
        ];
        var existing = candidates.Where(File.Exists).ToList();
        var errors = new List<string>();
        foreach (var path in existing)
        {
            try
            {
                return NativeLibrary.Load(path);
            }
            catch (DllNotFoundException e)
            {
                errors.Add(e.Message);
            }
        }
        throw new DllNotFoundException(NativeLoadFailure.Describe(file, existing.Count > 0 ? existing : candidates, errors));
    }

    /// <summary>The message of the last native failure on this thread.</summary>
    internal static string LastError() => Marshal.PtrToStringUTF8(vt_last_error()) ?? "unknown native error";

    /// <summary>Throws a <see cref="TorchException"/> with libtorch's message when <paramref name="status"/> reports a failure.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Check(int status)
    {
        if (status != 0)
        {
            throw new TorchException(LastError());
        }
    }

    /// <summary>Reads a string that the shim writes into a caller-supplied buffer (two calls: size, then text).</summary>
    internal static string ReadString(IntPtr handle, delegate*<IntPtr, byte*, long, out long, int> call)
    {
        Check(call(handle, null, 0, out var needed));
        var buffer = new byte[needed];
        fixed (byte* p = buffer)
        {
            Check(call(handle, p, needed, out _));
        }
        return Encoding.UTF8.GetString(buffer, 0, (int)needed - 1);
    }
}
