namespace Vision.TestUtilities;

/// <summary>Files of the repository the tests run from (configs, scripts), found by walking up to <c>Vision.sln</c>.</summary>
public static class RepositoryPaths
{
    /// <summary>The repository root.</summary>
    /// <exception cref="DirectoryNotFoundException">The tests do not run inside the repository.</exception>
    public static string Root { get; } = FindRoot();

    /// <summary><paramref name="relative"/> ('/'-separated) under the repository root.</summary>
    public static string Combine(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Vision.sln")))
            {
                return folder.FullName;
            }
        }
        throw new DirectoryNotFoundException($"No Vision.sln above {AppContext.BaseDirectory}: the tests must run from the repository.");
    }
}
