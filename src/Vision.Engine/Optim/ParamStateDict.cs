namespace Vision.Engine.Optim;

/// <summary>
/// One parameter's state in an <see cref="OptimizerStateDict"/>. The tensors are the optimizer's live buffers
/// (as in PyTorch): serialize them before the next step and do not dispose them.
/// </summary>
/// <param name="step">The parameter's step count.</param>
/// <param name="tensors">The buffers by name (momentum_buffer, exp_avg, …).</param>
public sealed record ParamStateDict(long step, IReadOnlyDictionary<string, Tensor> tensors);
