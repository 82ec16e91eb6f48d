using Vision.Tests.Processes;
using Vision.TestUtilities;

namespace Vision.Tests.Build;

/// <summary>
/// The native build survives a moved or copied tree: VisionNative.targets keys its CMake configure step on the
/// libtorch, source and build folders and drops a cache made for other folders (which CMake refuses) before
/// configuring. Runs only the configure step (about 10 s) on a copy of src/Vision.Native, not the shim's compile.
/// </summary>
public sealed class NativeBuildRelocationTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("vision-native-copy-");

    [SkippableFact]
    [Trait("Category", "NativeBuild")]
    public void CopiedTreeWithACacheFromTheOriginalFolderConfiguresAfresh()
    {
        Skip.IfNot(ExternalCommand.IsOnPath("cmake"), "cmake is not on PATH (sudo apt-get install cmake libtorch-dev libopencv-dev)");
        var source = Path.Combine(root.FullName, "copy", "src", "Vision.Native");
        CopyNativeSources(RepositoryPaths.Combine("src/Vision.Native"), source);
        var build = Path.Combine(root.FullName, "copy", "artifacts", "native", "Release");
        Directory.CreateDirectory(Path.Combine(build, "CMakeFiles"));
        // What a copied tree carries: the original tree's cache and the stamp of the former, libtorch-only key.
        File.WriteAllLines(Path.Combine(build, "CMakeCache.txt"),
            ["CMAKE_CACHEFILE_DIR:INTERNAL=/original/artifacts/native/Release", "CMAKE_HOME_DIRECTORY:INTERNAL=/original/src/Vision.Native"]);
        File.WriteAllText(Path.Combine(build, "vision-configure.stamp"), "libtorch=\n");
        var (plainCmake, plainOutput) = ExternalCommand.Run("cmake", ["-S", source, "-B", build], root.FullName, TimeSpan.FromMinutes(2));
        Assert.True(plainCmake != 0, "plain cmake was expected to refuse the foreign cache:\n" + plainOutput);
        Assert.Contains("is different than the directory", plainOutput);

        var project = Path.Combine(root.FullName, "probe.proj");
        File.WriteAllText(project, "<Project><Import Project=\"copy/src/Vision.Native/VisionNative.targets\" /></Project>");
        var configure = () => ExternalCommand.Run(ExternalCommand.Dotnet,
            ["msbuild", project, "-nologo", "-v:m", "-t:ConfigureVisionNative", "-p:Configuration=Release", "-p:VisionNativeBuildDir=" + build],
            root.FullName, TimeSpan.FromMinutes(3));

        var (code, output) = configure();
        Assert.True(code == 0, output);
        var cache = File.ReadAllLines(Path.Combine(build, "CMakeCache.txt"));
        Assert.Contains($"CMAKE_HOME_DIRECTORY:INTERNAL={source}", cache);
        Assert.Contains($"CMAKE_CACHEFILE_DIR:INTERNAL={build}", cache);
        Assert.Equal($"libtorch=|source={source}{Path.DirectorySeparatorChar}|build={build}",
            File.ReadAllText(Path.Combine(build, "vision-configure.stamp")).Trim());

        // Same key: the next build does not configure again (the cache is left as it is).
        var configuredAt = File.GetLastWriteTimeUtc(Path.Combine(build, "CMakeCache.txt"));
        var (again, againOutput) = configure();
        Assert.True(again == 0, againOutput);
        Assert.DoesNotContain("Configuring done", againOutput);
        Assert.Equal(configuredAt, File.GetLastWriteTimeUtc(Path.Combine(build, "CMakeCache.txt")));
    }

    private static void CopyNativeSources(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => root.Delete(recursive: true);
}
