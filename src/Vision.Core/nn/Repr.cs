using System.Globalization;

namespace Vision.nn;

/// <summary>Python's notation for the values in module printouts, so <c>ToString()</c> reads like <c>print(model)</c>.</summary>
internal static class Repr
{
    public static string Bool(bool value) => value ? "True" : "False";

    /// <summary>Python's repr of a float: shortest round-trip digits, "1e-05" rather than "1E-05", "1.0" rather than "1".</summary>
    public static string Float(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
        return double.IsFinite(value) && !text.Contains('.') && !text.Contains('e') ? text + ".0" : text;
    }

    /// <summary>A size as PyTorch prints what the user passed: "3" for equal sides (given as one number), else "(1, 7)".</summary>
    public static string Size(Pair p) => p.H == p.W ? p.H.ToString(CultureInfo.InvariantCulture) : p.ToString();

    /// <summary>A Python tuple of integers: "(4, 5)", or "(4,)" for one element.</summary>
    public static string Tuple(IReadOnlyCollection<long> values) =>
        values.Count == 1 ? $"({values.First()},)" : "(" + string.Join(", ", values) + ")";
}
