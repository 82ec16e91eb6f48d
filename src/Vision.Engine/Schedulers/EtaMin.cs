using static Vision.Engine.OptionChecks;

namespace Vision.Engine.Schedulers;

/// <summary>
/// The floor of the cosine schedulers, given either absolutely (<c>eta_min</c>) or relative to each group's initial
/// value (<c>eta_min_ratio</c>, MMEngine 0.3.2+); neither means 0.
/// </summary>
internal readonly record struct EtaMin(double? Absolute, double? Ratio)
{
    /// <summary>Checks that at most one form is given and that it is not negative.</summary>
    public static EtaMin Create(double? eta_min, double? eta_min_ratio)
    {
        if (eta_min is not null && eta_min_ratio is not null)
        {
            throw new ArgumentException($"Give either eta_min or eta_min_ratio, not both (got eta_min {eta_min}, eta_min_ratio {eta_min_ratio}).");
        }
        NonNegative("eta_min", eta_min ?? 0);
        NonNegative("eta_min_ratio", eta_min_ratio ?? 0);
        return new EtaMin(eta_min, eta_min_ratio);
    }

    /// <summary>The floor for a group whose initial value is <paramref name="baseValue"/>.</summary>
    public double For(double baseValue) => Ratio is { } r ? baseValue * r : Absolute ?? 0;
}
