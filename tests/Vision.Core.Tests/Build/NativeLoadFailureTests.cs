using System.Runtime.InteropServices;
using Vision.Native;
using Vision.Tests.Processes;

namespace Vision.Tests.Build;

/// <summary>The start-up message when libVisionNative.so or one of its libraries cannot be loaded.</summary>
public sealed class NativeLoadFailureTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("vision-native-load-");

    public void Dispose() => dir.Delete(recursive: true);

    [SkippableFact]
    public void AMissingDependencyIsNamedWithItsFamilyAndTheInstallCommand()
    {
        Skip.IfNot(ExternalCommand.IsOnPath("cc"), "no C compiler (cc) to build a library with a missing dependency (sudo apt-get install gcc)");
        // A real loader failure: a library linked against libopencv_vision_absent.so, which is then removed.
        File.WriteAllText(Path.Combine(dir.FullName, "dep.c"), "int dep(void) { return 1; }\n");
        File.WriteAllText(Path.Combine(dir.FullName, "shim.c"), "int dep(void);\nint shim(void) { return dep(); }\n");
        Compile("-shared", "-fPIC", "-o", "libopencv_vision_absent.so", "dep.c");
        Compile("-shared", "-fPIC", "-o", "libshim.so", "shim.c", "-L.", "-lopencv_vision_absent");
        File.Delete(Path.Combine(dir.FullName, "libopencv_vision_absent.so"));
        var shim = Path.Combine(dir.FullName, "libshim.so");
        var loaderError = Assert.Throws<DllNotFoundException>(() => NativeLibrary.Load(shim)).Message;

        var message = NativeLoadFailure.Describe("libVisionNative.so", [shim], [loaderError]);

        Assert.Contains($"Vision could not load {shim}: missing libopencv_vision_absent.so (OpenCV).", message);
        Assert.Contains(NativeLoadFailure.InstallCommand, message);
        Assert.Contains("-p:LibTorchDir=", message);
    }

    [Fact]
    public void LibtorchLibrariesAreNamedAsLibtorchAndEachSearchedPathOnce()
    {
        var missing = NativeLoadFailure.Describe("libVisionNative.so", ["/app/libVisionNative.so"],
            ["/app/libVisionNative.so: libc10.so: cannot open shared object file: No such file or directory"]);
        Assert.StartsWith("Vision could not load /app/libVisionNative.so: missing libc10.so (libtorch).", missing);
        var jpeg = NativeLoadFailure.Describe("libVisionNative.so", ["/app/libVisionNative.so"],
            ["/app/libVisionNative.so: libjpeg.so.62: cannot open shared object file: No such file or directory"]);
        Assert.StartsWith("Vision could not load /app/libVisionNative.so: missing libjpeg.so.62 (libjpeg-turbo, installed with OpenCV).", jpeg);

        var absent = NativeLoadFailure.Describe("libVisionNative.so", ["/app/libVisionNative.so", "/app/runtimes/linux-x64/native/libVisionNative.so"], []);
        Assert.StartsWith("Vision could not find libVisionNative.so (looked in /app/libVisionNative.so, /app/runtimes/linux-x64/native/libVisionNative.so).", absent);
    }

    private void Compile(params string[] arguments)
    {
        var (code, output) = ExternalCommand.Run("cc", arguments, dir.FullName, TimeSpan.FromMinutes(1));
        Assert.True(code == 0, output);
    }
}
