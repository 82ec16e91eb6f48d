namespace Vision.Engine.Training;

/// <summary>The outcome of <see cref="Trainer.Fit"/>.</summary>
/// <param name="Reason">Why training ended.</param>
/// <param name="Message">How it ended, in words (the stop request's reason, or "completed").</param>
/// <param name="Epoch">Epochs completed.</param>
/// <param name="Iter">Iterations (batches) completed.</param>
/// <param name="OptimizerSteps">Optimizer steps taken.</param>
/// <param name="Metrics">The last validation metrics (empty without validation).</param>
/// <param name="WorkDir">The work folder, a full path.</param>
/// <param name="LogDir">The folder of the scalar logs (JSON lines, CSV, TensorBoard).</param>
/// <param name="LatestCheckpoint">The newest checkpoint written or resumed from, if any.</param>
/// <param name="BestCheckpoint">The best checkpoint by the save_best metric, if kept.</param>
public sealed record FitResult(
    StopReason Reason,
    string Message,
    int Epoch,
    long Iter,
    long OptimizerSteps,
    IReadOnlyDictionary<string, double> Metrics,
    string WorkDir,
    string LogDir,
    string? LatestCheckpoint,
    string? BestCheckpoint)
{
    /// <summary>Every field, the metrics by name with the number format of the evaluation reports (a record would print the dictionary's type name).</summary>
    public override string ToString()
    {
        var metrics = string.Join(", ", Metrics.Select(m => $"{m.Key} = {Evaluation.EvaluationReport.Number(m.Value)}"));
        return $"FitResult {{ Reason = {Reason}, Message = {Message}, Epoch = {Epoch}, Iter = {Iter}, OptimizerSteps = {OptimizerSteps}, " +
            $"Metrics = {{ {metrics} }}, WorkDir = {WorkDir}, LogDir = {LogDir}, LatestCheckpoint = {LatestCheckpoint ?? "none"}, BestCheckpoint = {BestCheckpoint ?? "none"} }}";
    }
}
