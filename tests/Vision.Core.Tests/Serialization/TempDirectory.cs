namespace Vision.Tests.Serialization;

/// <summary>A fresh directory for one test's files, deleted with everything in it on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("vision-safetensors-");

    /// <summary>The directory's full path.</summary>
    public string Path => directory.FullName;

    /// <summary>The full path of <paramref name="name"/> inside the directory.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>The names of the files now in the directory, sorted (hidden files included).</summary>
    public string[] FileNames() => [.. Directory.GetFiles(Path).Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal)!];

    /// <inheritdoc/>
    public void Dispose() => directory.Delete(recursive: true);
}
