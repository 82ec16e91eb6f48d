using System.Globalization;
using System.Runtime.CompilerServices;

namespace Vision.Data.Transforms;

/// <summary>Constructor argument checks whose messages name the parameter and the offending value.</summary>
internal static class Check
{
    /// <summary>A probability in [0, 1].</summary>
    internal static double Probability(double value, [CallerArgumentExpression(nameof(value))] string? name = null) =>
        value is >= 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be a probability in [0, 1].");

    /// <summary>A (min, max) pair with lower ≤ min ≤ max ≤ upper (bounds inclusive unless <paramref name="positive"/>, which requires min &gt; 0).</summary>
    internal static (double Min, double Max) Range((double Min, double Max) value, string name, double lower = double.NegativeInfinity,
        double upper = double.PositiveInfinity, bool positive = false)
    {
        var (min, max) = value;
        if (double.IsNaN(min) || double.IsNaN(max) || min > max)
        {
            throw new ArgumentException($"{name} must be (min, max) with min ≤ max, got ({F(min)}, {F(max)}).", name);
        }
        if (min < lower || max > upper || (positive && min <= 0))
        {
            var bound = positive ? $"in (0, {F(upper)}]" : $"in [{F(lower)}, {F(upper)}]";
            throw new ArgumentException($"{name} must lie {bound}, got ({F(min)}, {F(max)}).", name);
        }
        return value;
    }

    private static string F(double x) => x.ToString("G", CultureInfo.InvariantCulture);
}
