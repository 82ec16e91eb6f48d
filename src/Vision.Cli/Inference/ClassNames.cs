namespace Vision.Cli.Inference;

/// <summary>Reads the class names of <c>--classes</c>: a file with one name per line (as split-dataset's classes.txt), or a comma-separated list.</summary>
public static class ClassNames
{
    /// <summary>The class names <paramref name="value"/> stands for, indexed by label.</summary>
    /// <exception cref="FileNotFoundException">The value names a .txt file that does not exist.</exception>
    /// <exception cref="InvalidDataException">The file holds no names.</exception>
    /// <exception cref="ArgumentException">The list has an empty name.</exception>
    public static IReadOnlyList<string> Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (File.Exists(value))
        {
            var names = File.ReadLines(value).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            return names.Count > 0 ? names : throw new InvalidDataException($"--classes: the file {value} holds no class names (one per line).");
        }
        if (!value.Contains(',', StringComparison.Ordinal) && (value.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) || value.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal)))
        {
            throw new FileNotFoundException($"--classes: the class-name file {value} does not exist.", value);
        }
        var list = value.Split(',', StringSplitOptions.TrimEntries);
        return list.Any(n => n.Length == 0)
            ? throw new ArgumentException($"--classes: '{value}' has an empty class name; give a comma-separated list such as cat,dog or a file with one name per line.")
            : list;
    }
}
