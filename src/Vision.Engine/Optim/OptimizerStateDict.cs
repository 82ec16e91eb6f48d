namespace Vision.Engine.Optim;

/// <summary>
/// An optimizer's state as plain data, shaped like PyTorch's <c>optimizer.state_dict()</c>: the groups'
/// hyper-parameters with the indices of their parameters, and the per-parameter state keyed by the parameter's
/// position across all groups. A checkpoint serializes it; <see cref="Optimizer.load_state_dict"/> restores it.
/// </summary>
/// <param name="param_groups">Each group's hyper-parameters and parameter indices, in group order.</param>
/// <param name="state">The state of every parameter that has one, by parameter index.</param>
public sealed record OptimizerStateDict(IReadOnlyList<ParamGroupStateDict> param_groups, IReadOnlyDictionary<int, ParamStateDict> state);
