namespace Vision.Engine.Evolve;

/// <summary>
/// One searched hyperparameter, declared as YOLOv5 declares its <c>meta</c> entries: a mutation gain and the bounds
/// every candidate is clipped to, plus the config paths the value is written to.
/// </summary>
/// <param name="Name">The column name in <c>evolve.csv</c> and the key in the <c>evolve.space</c> section (e.g. "lr").</param>
/// <param name="Paths">The colon-separated config paths that take the value (<c>optim_wrapper:optimizer:lr</c>); a
/// warm-up length, for example, is both the warm-up scheduler's <c>end</c> and the next scheduler's <c>begin</c>.
/// The first path supplies the starting value.</param>
/// <param name="Gain">The mutation gain (0 keeps the value fixed, 1 mutates with the full sigma).</param>
/// <param name="Low">The lower bound.</param>
/// <param name="High">The upper bound.</param>
/// <param name="IsInteger">Whether the value is rounded to a whole number (epochs, counts).</param>
public sealed record HyperParameter(string Name, IReadOnlyList<string> Paths, double Gain, double Low, double High, bool IsInteger = false)
{
    /// <summary>Checks the declaration.</summary>
    /// <exception cref="ArgumentException">The name or a path is empty, the gain is negative, or the bounds are not finite and ordered.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name) || Name.Contains(',', StringComparison.Ordinal))
        {
            throw new ArgumentException($"hyperparameter name '{Name}' must be non-empty and contain no comma.");
        }
        if (Paths.Count == 0 || Paths.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException($"hyperparameter '{Name}' needs at least one config path such as optim_wrapper:optimizer:lr.");
        }
        if (!(Gain >= 0) || !double.IsFinite(Gain))
        {
            throw new ArgumentException($"hyperparameter '{Name}': the gain must be a finite number >= 0, not {Gain}.");
        }
        if (!double.IsFinite(Low) || !double.IsFinite(High) || Low > High)
        {
            throw new ArgumentException($"hyperparameter '{Name}': the bounds must be finite with low <= high, not [{Low}, {High}].");
        }
    }

    /// <summary>Clips <paramref name="value"/> to the bounds and rounds it as YOLOv5 does (5 decimals; whole numbers for integers).</summary>
    public double Constrain(double value)
    {
        var clipped = Math.Min(Math.Max(value, Low), High);
        return IsInteger ? Math.Round(clipped, MidpointRounding.AwayFromZero) : Math.Round(clipped, 5);
    }
}
