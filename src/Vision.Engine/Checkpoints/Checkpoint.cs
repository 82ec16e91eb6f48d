namespace Vision.Engine.Checkpoints;

/// <summary>
/// A training checkpoint in memory: named tensors (saved as one safetensors file) and the <see cref="Meta"/> data
/// (saved as JSON). The trainer puts the model under <see cref="ModelPrefix"/> and the optimizer's buffers under
/// <see cref="OptimizerPrefix"/>; hooks add their own tensors under their own prefix (the EMA hook: "ema.") and their
/// state in <see cref="CheckpointMeta.Hooks"/>. Disposing frees the tensors it holds.
/// </summary>
public sealed class Checkpoint : IDisposable
{
    /// <summary>The prefix of the model's state dict keys ("model.fc.weight").</summary>
    public const string ModelPrefix = "model.";

    /// <summary>The prefix of optimizer buffers: "optimizer.{parameter index}.{buffer name}".</summary>
    public const string OptimizerPrefix = "optimizer.";

    /// <summary>Creates a checkpoint around <paramref name="meta"/> (a new one when null).</summary>
    public Checkpoint(CheckpointMeta? meta = null) => Meta = meta ?? new CheckpointMeta();

    /// <summary>The tensors by key.</summary>
    public Dictionary<string, Tensor> Tensors { get; } = new(StringComparer.Ordinal);

    /// <summary>The non-tensor state.</summary>
    public CheckpointMeta Meta { get; }

    /// <summary>Where the checkpoint was read from or written to, when known.</summary>
    public string? Location { get; set; }

    /// <summary>The tensors under <paramref name="prefix"/>, with the prefix removed from their keys.</summary>
    public Dictionary<string, Tensor> WithPrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return Tensors.Where(t => t.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(t => t.Key[prefix.Length..], t => t.Value, StringComparer.Ordinal);
    }

    /// <summary>Frees every tensor.</summary>
    public void Dispose()
    {
        foreach (var tensor in Tensors.Values)
        {
            tensor.Dispose();
        }
        Tensors.Clear();
    }
}
