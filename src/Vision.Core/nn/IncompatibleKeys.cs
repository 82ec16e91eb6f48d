namespace Vision.nn;

/// <summary>What <see cref="Module.load_state_dict"/> did not match when not strict (PyTorch's <c>_IncompatibleKeys</c>).</summary>
/// <param name="missing_keys">Keys of the module that the state dict lacks (those tensors kept their values).</param>
/// <param name="unexpected_keys">Keys of the state dict that the module does not have (ignored).</param>
public sealed record IncompatibleKeys(IReadOnlyList<string> missing_keys, IReadOnlyList<string> unexpected_keys);
