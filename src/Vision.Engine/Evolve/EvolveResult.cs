namespace Vision.Engine.Evolve;

/// <summary>The outcome of <see cref="Evolution.Run"/>.</summary>
/// <param name="Records">All results in <c>evolve.csv</c>, by generation (those of other processes sharing it included).</param>
/// <param name="Best">The result with the highest fitness (the earliest of equals; generation 0 if every candidate diverged).</param>
/// <param name="Space">The searched hyperparameters (the order of <see cref="EvolveRecord.Values"/>).</param>
/// <param name="CsvFile">The path of <c>evolve.csv</c>.</param>
/// <param name="BestOverridesFile">The best hyperparameters as a response file of <c>--set</c> lines (<c>vision train config.json @best_overrides.txt</c>).</param>
/// <param name="BestConfigFile">The full configuration with the best hyperparameters (<c>vision train best_config.json</c>).</param>
/// <param name="PlotFile"><c>evolve.png</c>: fitness against each hyperparameter.</param>
/// <param name="FitnessPlotFile"><c>evolve_fitness.png</c>: fitness by generation.</param>
/// <param name="Trained">Generations this call trained.</param>
/// <param name="Interrupted">Whether cancellation stopped the evolution before all generations were done.</param>
public sealed record EvolveResult(
    IReadOnlyList<EvolveRecord> Records,
    EvolveRecord Best,
    SearchSpace Space,
    string CsvFile,
    string BestOverridesFile,
    string BestConfigFile,
    string PlotFile,
    string FitnessPlotFile,
    int Trained,
    bool Interrupted)
{
    /// <summary>The share of the iteration budget that early stopping saved over all generations (0 without early stops).</summary>
    public double ComputeSaved
    {
        get
        {
            var budget = Records.Sum(r => (double)r.BudgetIters);
            return budget == 0 ? 0 : Records.Sum(r => (double)(r.BudgetIters - r.Iters)) / budget;
        }
    }
}
