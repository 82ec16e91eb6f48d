namespace Vision.Engine.Evolve;

/// <summary>One generation's result, a row of <c>evolve.csv</c>.</summary>
/// <param name="Generation">The generation number (0 is the configuration as given).</param>
/// <param name="Fitness">The fitness of the final validation metrics; NaN when training diverged (a non-finite loss).</param>
/// <param name="Metrics">The final validation metrics (none when training diverged).</param>
/// <param name="Values">The hyperparameter values, in the search space's order.</param>
/// <param name="Iters">Training iterations run.</param>
/// <param name="BudgetIters">Training iterations the budget allowed (more than <paramref name="Iters"/> when stopped early).</param>
/// <param name="StoppedEarly">Whether early stopping ended the candidate.</param>
/// <param name="Curve">The fitness after each validation.</param>
public sealed record EvolveRecord(
    int Generation,
    double Fitness,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyList<double> Values,
    long Iters,
    long BudgetIters,
    bool StoppedEarly,
    IReadOnlyList<double> Curve);
