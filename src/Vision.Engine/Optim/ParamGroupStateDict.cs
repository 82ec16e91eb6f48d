namespace Vision.Engine.Optim;

/// <summary>One param group in an <see cref="OptimizerStateDict"/>.</summary>
/// <param name="options">The hyper-parameters by name (lr, weight_decay, betas, scheduler bookkeeping such as initial_lr).</param>
/// <param name="params">The indices of the group's parameters, counted across all groups in order.</param>
public sealed record ParamGroupStateDict(IReadOnlyDictionary<string, double> options, IReadOnlyList<int> @params);
