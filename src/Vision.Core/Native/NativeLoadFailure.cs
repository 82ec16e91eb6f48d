using System.Text.RegularExpressions;

namespace Vision.Native;

/// <summary>
/// The one message Vision gives when libVisionNative.so cannot be loaded: where it looked, which libraries the
/// dynamic loader could not find (libtorch's, OpenCV's), and the command that installs them.
/// </summary>
internal static partial class NativeLoadFailure
{
    /// <summary>The Debian/Ubuntu command that installs what the shim links against at run time.</summary>
    internal const string InstallCommand = "sudo apt-get install libtorch-dev libopencv-dev libopenblas0-pthread";

    /// <summary>
    /// Describes the failure to load <paramref name="file"/>: <paramref name="searched"/> are the paths tried (each once),
    /// <paramref name="loaderErrors"/> the dynamic loader's messages for the ones that exist (empty when none exists).
    /// </summary>
    internal static string Describe(string file, IReadOnlyList<string> searched, IReadOnlyList<string> loaderErrors)
    {
        if (loaderErrors.Count == 0)
        {
            return $"Vision could not find {file} (looked in {string.Join(", ", searched)}). The Vision.Core package ships it under " +
                "runtimes/linux-x64/native/ and the build copies it next to the assemblies; a source build needs " +
                "'dotnet build' of Vision.Core (or -p:VisionNativeBuildDir pointing at a folder that holds it).";
        }
        var missing = loaderErrors.SelectMany(e => MissingLibrary().Matches(e).Select(m => m.Groups[1].Value)).Distinct().ToList();
        var what = missing.Count == 0
            ? $"the dynamic loader reported: {string.Join(" | ", loaderErrors)}"
            : $"missing {string.Join(", ", missing.Select(m => $"{m} ({Family(m)})"))}";
        return $"Vision could not load {string.Join(", ", searched)}: {what}. " +
            "Vision's native layer needs libtorch (Debian's 1.13, or the libtorch it was built against) and OpenCV 4 " +
            $"(core, imgproc, imgcodecs) at run time. On Debian/Ubuntu install them with: {InstallCommand}. " +
            "With an official or CUDA libtorch, build Vision with -p:LibTorchDir=/path/to/libtorch and put /path/to/libtorch/lib on LD_LIBRARY_PATH.";
    }

    private static string Family(string library) =>
        library.StartsWith("libopencv", StringComparison.Ordinal) ? "OpenCV"
        : library.StartsWith("libjpeg", StringComparison.Ordinal) ? "libjpeg-turbo, installed with OpenCV"
        : library.StartsWith("libtorch", StringComparison.Ordinal) || library.StartsWith("libc10", StringComparison.Ordinal) ? "libtorch"
        : library.StartsWith("libblas", StringComparison.Ordinal) || library.StartsWith("liblapack", StringComparison.Ordinal) ? "BLAS, a libtorch dependency"
        : "a dependency of libtorch or OpenCV";

    // glibc's dlopen message: "<lib>: cannot open shared object file: No such file or directory".
    [GeneratedRegex(@"([\w.+-]+\.so(?:\.[\w.]+)?): cannot open shared object file")]
    private static partial Regex MissingLibrary();
}
