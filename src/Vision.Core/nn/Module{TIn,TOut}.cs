namespace Vision.nn;

/// <summary>
/// A module with a forward pass from <typeparamref name="TIn"/> to <typeparamref name="TOut"/> (TorchSharp's
/// <c>Module&lt;T, TResult&gt;</c>); layers are <c>Module&lt;Tensor, Tensor&gt;</c>. Modules with other signatures (several
/// inputs, tuples, feature lists) derive from <see cref="Module"/> or use a tuple or record as <typeparamref name="TIn"/>.
/// </summary>
/// <typeparam name="TIn">The input of <see cref="forward"/>.</typeparam>
/// <typeparam name="TOut">The output of <see cref="forward"/>.</typeparam>
public abstract class Module<TIn, TOut> : Module
{
    /// <summary>Computes the module's output. Results are new tensors that belong to the current dispose scope.</summary>
    public abstract TOut forward(TIn input);
}
