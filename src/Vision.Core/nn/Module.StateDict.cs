using System.Text;

namespace Vision.nn;

// The state dict half of Module: PyTorch's state_dict / load_state_dict with its key names and strictness rules.
public abstract partial class Module
{
    /// <summary>
    /// The module's state by PyTorch key ("layer1.0.bn1.running_mean"): for each module depth first, its parameters
    /// and then its persistent buffers in registration order (absent ones skipped, shared ones under every name).
    /// The values are new handles sharing storage with the module's tensors, detached from autograd (as PyTorch's
    /// <c>detach()</c>): writing into them writes into the model, and disposing them never frees the model's tensors.
    /// They belong to the current dispose scope, if any.
    /// </summary>
    public OrderedDictionary<string, Tensor> state_dict()
    {
        var result = new OrderedDictionary<string, Tensor>();
        foreach (var (key, tensor, _) in StateEntries(""))
        {
            result[key] = tensor.detach();
        }
        return result;
    }

    // The state dict's (key, live tensor) pairs, without dedup: shared modules appear under each of their names.
    private IEnumerable<(string Key, Tensor Tensor, bool Optional)> StateEntries(string prefix)
    {
        foreach (var (name, p) in parameterSlots)
        {
            if (p is not null)
            {
                yield return (prefix + name, p, IsOptionalInStateDict(name));
            }
        }
        foreach (var (name, b) in bufferSlots)
        {
            if (b is not null && !nonPersistentBuffers.Contains(name))
            {
                yield return (prefix + name, b, IsOptionalInStateDict(name));
            }
        }
        foreach (var (name, child) in childSlots)
        {
            foreach (var entry in child.StateEntries(prefix + name + "."))
            {
                yield return entry;
            }
        }
    }

    /// <summary>
    /// Copies <paramref name="state_dict"/>'s tensors into this module's parameters and persistent buffers in place
    /// (without recording gradients; converting dtype and device as <c>copy_</c> does). Everything is checked before
    /// anything is copied: a shape mismatch, or with <paramref name="strict"/> a missing or unexpected key, throws one
    /// <see cref="ArgumentException"/> that lists every problem, and leaves the module untouched. Without
    /// <paramref name="strict"/> the keys that did not match are returned.
    /// </summary>
    public IncompatibleKeys load_state_dict(IReadOnlyDictionary<string, Tensor> state_dict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(state_dict, nameof(state_dict));
        var targets = StateEntries("").ToList();
        var expected = targets.Select(t => t.Key).ToHashSet();
        var missing = targets.Where(t => !t.Optional && !state_dict.ContainsKey(t.Key)).Select(t => t.Key).Distinct().ToList();
        var unexpected = state_dict.Keys.Where(k => !expected.Contains(k)).ToList();
        var problems = new List<string>();
        foreach (var (key, target, _) in targets)
        {
            if (!state_dict.TryGetValue(key, out var source))
            {
                continue;
            }
            if (source is null || source.IsDisposed)
            {
                problems.Add($"the value for {key} is {(source is null ? "null" : "a disposed tensor")}.");
                continue;
            }
            var (have, want) = (source.shape, target.shape);
            if (!have.SequenceEqual(want))
            {
                problems.Add($"size mismatch for {key}: copying a tensor with shape {Shape(have)} from the state dict, the shape in the current model is {Shape(want)}.");
            }
        }
        if (strict)
        {
            if (unexpected.Count > 0)
            {
                problems.Insert(0, "Unexpected key(s) in state_dict: " + string.Join(", ", unexpected.Select(k => $"\"{k}\"")) + ".");
            }
            if (missing.Count > 0)
            {
                problems.Insert(0, "Missing key(s) in state_dict: " + string.Join(", ", missing.Select(k => $"\"{k}\"")) + ".");
            }
        }
        if (problems.Count > 0)
        {
            var message = new StringBuilder($"Error(s) in loading state_dict for {TypeName}:");
            foreach (var problem in problems)
            {
                message.Append("\n\t").Append(problem);
            }
            throw new ArgumentException(message.ToString(), nameof(state_dict));
        }
        using (torch.no_grad())
        {
            foreach (var (key, target, _) in targets)
            {
                if (state_dict.TryGetValue(key, out var source))
                {
                    target.copy_(source);
                }
            }
        }
        return new IncompatibleKeys(missing, unexpected);
    }

    /// <summary>
    /// Whether this module's own parameter or buffer <paramref name="name"/> may be absent from a state dict without
    /// counting as missing (it then keeps its value): state added after checkpoints were already being written, such as
    /// BatchNorm's <c>num_batches_tracked</c>, which PyTorch also accepts missing from checkpoints without version metadata.
    /// </summary>
    protected virtual bool IsOptionalInStateDict(string name) => false;

    private static string Shape(long[] shape) => "[" + string.Join(", ", shape) + "]";
}
