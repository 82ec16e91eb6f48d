namespace Vision.Engine.Training;

/// <summary>What one training batch produced, as the hooks' <c>AfterTrainIter</c> sees it.</summary>
/// <param name="Loss">The batch's unscaled mean loss (before division by the accumulation window).</param>
/// <param name="BatchSize">The number of samples in the batch.</param>
/// <param name="OptimizerStepped">
/// Whether this batch completed an accumulation window, so the optimizer stepped: schedulers and EMA advance only then.
/// </param>
/// <param name="StepSkipped">Whether the loss scaler skipped that step because the gradients overflowed.</param>
/// <param name="GradNorm">The total gradient norm before clipping, when clipping by norm ran.</param>
public sealed record TrainStepOutput(double Loss, int BatchSize, bool OptimizerStepped, bool StepSkipped, double? GradNorm);
