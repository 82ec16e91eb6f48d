namespace Vision.Serialization;

/// <summary>
/// Orders strings by their UTF-8 bytes (equivalently, by code point), as Rust's <c>String</c> ordering does; the
/// reference writer sorts tensor names that way. Ordinal UTF-16 order differs only for characters above U+FFFF
/// (surrogates, U+D800–DFFF) against U+E000–FFFF, which this comparer swaps into code-point order.
/// </summary>
internal sealed class Utf8Order : IComparer<string>
{
    /// <summary>The shared instance.</summary>
    internal static readonly Utf8Order Instance = new();

    /// <inheritdoc/>
    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }
        var n = Math.Min(x.Length, y.Length);
        for (var i = 0; i < n; i++)
        {
            if (x[i] != y[i])
            {
                return CodePointRank(x[i]) - CodePointRank(y[i]);
            }
        }
        return x.Length - y.Length;
    }

    private static int CodePointRank(char c) => c switch
    {
        >= '\uD800' and <= '\uDFFF' => c + 0x2000,
        >= '\uE000' => c - 0x800,
        _ => c,
    };
}
