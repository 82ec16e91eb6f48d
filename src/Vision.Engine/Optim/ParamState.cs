using System.Diagnostics.CodeAnalysis;

namespace Vision.Engine.Optim;

/// <summary>
/// The optimizer's state for one parameter (PyTorch's <c>optimizer.state[p]</c>): its step count and its buffers
/// (<c>momentum_buffer</c>, <c>exp_avg</c>, <c>exp_avg_sq</c>, …). The optimizer owns the buffers: assigning one takes
/// it out of every dispose scope and disposes the buffer it replaces.
/// </summary>
public sealed class ParamState : IDisposable
{
    private readonly Dictionary<string, Tensor> buffers = [];

    /// <summary>How many updates this parameter has had (used by optimizers with bias correction).</summary>
    public long step { get; set; }

    /// <summary>The buffers by name.</summary>
    public IReadOnlyDictionary<string, Tensor> tensors => buffers;

    /// <summary>A buffer by name; setting it transfers ownership to this state.</summary>
    public Tensor this[string name]
    {
        get => buffers.TryGetValue(name, out var t)
            ? t
            : throw new KeyNotFoundException($"The parameter state has no buffer '{name}'; it has: {string.Join(", ", buffers.Keys)}.");
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (buffers.TryGetValue(name, out var old) && !ReferenceEquals(old, value))
            {
                old.Dispose();
            }
            buffers[name] = value.DetachFromDisposeScope();
        }
    }

    /// <summary>The buffer <paramref name="name"/> if present.</summary>
    public bool TryGetValue(string name, [MaybeNullWhen(false)] out Tensor tensor) => buffers.TryGetValue(name, out tensor);

    /// <summary>Frees every buffer.</summary>
    public void Dispose()
    {
        foreach (var t in buffers.Values)
        {
            t.Dispose();
        }
        buffers.Clear();
    }
}
