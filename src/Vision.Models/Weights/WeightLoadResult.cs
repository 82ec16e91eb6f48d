namespace Vision.Models.Weights;

/// <summary>What <see cref="PretrainedWeights"/> loaded and what it did not.</summary>
/// <param name="LoadedKeys">Model keys that received the checkpoint's values.</param>
/// <param name="MissingKeys">Model keys the checkpoint lacks (they kept their values; skipped classifier keys not included).</param>
/// <param name="UnexpectedKeys">Checkpoint keys (after mapping) the model lacks.</param>
/// <param name="SkippedKeys">Classifier keys left alone because their shapes differ.</param>
/// <param name="AdaptedKeys">Keys whose tensor an adapter replaced.</param>
/// <param name="DroppedKeys">Checkpoint keys the key map dropped.</param>
public sealed record WeightLoadResult(
    IReadOnlyList<string> LoadedKeys,
    IReadOnlyList<string> MissingKeys,
    IReadOnlyList<string> UnexpectedKeys,
    IReadOnlyList<string> SkippedKeys,
    IReadOnlyList<string> AdaptedKeys,
    IReadOnlyList<string> DroppedKeys)
{
    /// <summary>The detected or named <see cref="CheckpointLayout"/> whose key map was used, or null.</summary>
    public string? Layout { get; init; }
}
