namespace Vision.Engine.Evolve;

/// <summary>
/// The median stopping rule (Golovin et al., "Google Vizier", 2017) on the validation curve: after validation
/// <c>k</c> (beyond the first <see cref="GraceValidations"/>), a candidate whose best fitness so far is below the
/// median of the fitness that earlier candidates had at their validation <c>k</c> is stopped, provided at least
/// <see cref="MinTrials"/> of them got that far. Hopeless candidates give back the rest of their budget.
/// </summary>
/// <param name="MinTrials">Earlier curves needed at a validation before the rule may stop anything there.</param>
/// <param name="GraceValidations">Validations every candidate is allowed before it can be stopped.</param>
public sealed record MedianStoppingRule(int MinTrials = 3, int GraceValidations = 1)
{
    /// <summary>Whether a candidate with <paramref name="curve"/> so far should stop, given earlier candidates' curves.</summary>
    public bool ShouldStop(IReadOnlyList<double> curve, IEnumerable<IReadOnlyList<double>> earlier)
    {
        ArgumentNullException.ThrowIfNull(curve);
        ArgumentNullException.ThrowIfNull(earlier);
        var k = curve.Count;
        if (k <= GraceValidations)
        {
            return false;
        }
        var atK = earlier.Where(c => c.Count >= k).Select(c => c[k - 1]).Order().ToList();
        if (atK.Count < Math.Max(1, MinTrials))
        {
            return false;
        }
        var median = atK.Count % 2 == 1 ? atK[atK.Count / 2] : (atK[(atK.Count / 2) - 1] + atK[atK.Count / 2]) / 2;
        return curve.Max() < median;
    }
}
