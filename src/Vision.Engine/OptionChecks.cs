using System.Globalization;

namespace Vision.Engine;

/// <summary>
/// Validation of numeric options with messages that name the option and the offending value
/// ("lr must be >= 0, got -1"), shared by optimizers and schedulers.
/// </summary>
internal static class OptionChecks
{
    private static string Show(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Throws unless <paramref name="condition"/> holds.</summary>
    public static void Require(bool condition, string name, double value, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException($"{name} must be {rule}, got {Show(value)}");
        }
    }

    /// <summary>Requires value &gt;= 0.</summary>
    public static void NonNegative(string name, double value) => Require(value >= 0, name, value, ">= 0");

    /// <summary>Requires value &gt; 0.</summary>
    public static void Positive(string name, double value) => Require(value > 0, name, value, "> 0");

    /// <summary>Requires 0 &lt;= value &lt; 1 (betas, smoothing constants).</summary>
    public static void UnitInterval(string name, double value) => Require(value >= 0 && value < 1, name, value, "in [0, 1)");
}
