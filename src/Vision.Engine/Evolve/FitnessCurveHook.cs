using System.Globalization;
using Vision.Engine.Hooks;
using Vision.Engine.Training;

namespace Vision.Engine.Evolve;

/// <summary>
/// Follows one candidate's training for the evolution: its fitness after each validation, its iteration budget, and,
/// with a <see cref="MedianStoppingRule"/>, a stop request when the candidate is hopeless compared with earlier ones.
/// </summary>
internal sealed class FitnessCurveHook(FitnessFunction fitness, MedianStoppingRule? rule, IReadOnlyList<IReadOnlyList<double>> earlierCurves)
    : Hook(HookPriority.Lowest)
{
    private readonly List<double> curve = [];

    /// <summary>The fitness after each validation so far.</summary>
    public IReadOnlyList<double> Curve => curve;

    /// <summary>The iterations the budget allows.</summary>
    public long BudgetIters { get; private set; }

    /// <summary>Whether the rule stopped the candidate.</summary>
    public bool StoppedEarly { get; private set; }

    /// <inheritdoc/>
    public override void BeforeTrain(Trainer trainer) => BudgetIters = trainer.MaxIters;

    /// <inheritdoc/>
    public override void AfterValEpoch(Trainer trainer, IReadOnlyDictionary<string, double> metrics)
    {
        curve.Add(fitness.Evaluate(metrics));
        if (rule is not null && !trainer.StopRequested && trainer.Iter < BudgetIters && rule.ShouldStop(curve, earlierCurves))
        {
            StoppedEarly = true;
            trainer.RequestStop(string.Create(CultureInfo.InvariantCulture,
                $"median stopping: best fitness {curve.Max():0.####} after {curve.Count} validations is below the median of earlier candidates"));
        }
    }
}
