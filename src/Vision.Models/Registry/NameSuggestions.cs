namespace Vision.Models.Registry;

/// <summary>
/// "Did you mean" suggestions for a misspelt name (a model, a configuration section): the known names within a few
/// edits of it (Levenshtein distance, ignoring case) or containing it, closest first.
/// </summary>
public static class NameSuggestions
{
    /// <summary>Up to <paramref name="count"/> names of <paramref name="known"/> close to <paramref name="name"/>, closest first.</summary>
    /// <param name="name">The name that was not found.</param>
    /// <param name="known">The names that exist.</param>
    /// <param name="count">The most suggestions to return.</param>
    public static IReadOnlyList<string> Closest(string name, IEnumerable<string> known, int count = 5)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(known);
        return [.. known
            .Select(n => (Name: n, Distance: EditDistance(name.ToLowerInvariant(), n.ToLowerInvariant())))
            .Where(c => c.Distance <= Math.Max(2, name.Length / 3) || c.Name.Contains(name, StringComparison.OrdinalIgnoreCase))
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Take(count).Select(c => c.Name)];
    }

    /// <summary>" Did you mean: a, b?" for the names close to <paramref name="name"/>, or an empty string when none is.</summary>
    public static string Hint(string name, IEnumerable<string> known)
    {
        var close = Closest(name, known);
        return close.Count > 0 ? $" Did you mean: {string.Join(", ", close)}?" : "";
    }

    // Levenshtein distance.
    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            previous = current;
        }
        return previous[b.Length];
    }
}
