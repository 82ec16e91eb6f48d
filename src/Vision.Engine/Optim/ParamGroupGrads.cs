namespace Vision.Engine.Optim;

/// <summary>
/// What an optimizer's update sees of one param group in a step: the parameters that have a gradient, their
/// gradients and their state, index-aligned (the multi-tensor layout PyTorch's functional optimizers take).
/// </summary>
/// <param name="group">The group, for its hyper-parameters.</param>
/// <param name="params">The group's parameters whose gradient is not null.</param>
/// <param name="grads">Their gradients.</param>
/// <param name="states">Their state (created empty on a parameter's first update).</param>
public sealed record ParamGroupGrads(ParamGroup group, IReadOnlyList<Tensor> @params, IReadOnlyList<Tensor> grads, IReadOnlyList<ParamState> states);
