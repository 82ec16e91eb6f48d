namespace Vision.Models.Weights;

/// <summary>
/// A known key layout of published checkpoints (e.g. MMPreTrain's ViT), how to recognise it from a checkpoint's keys,
/// and how its keys map onto Vision's <see cref="ImageClassifier"/> keys (<c>backbone.*</c>, <c>head.*</c>).
/// </summary>
/// <param name="Name">The name to select it by (<see cref="WeightLoadOptions.KeyMapName"/>, <c>vision convert --map</c>).</param>
/// <param name="Description">One line saying where such checkpoints come from.</param>
/// <param name="Matches">Whether a checkpoint with these keys has this layout.</param>
/// <param name="KeyMap">Checkpoint key → Vision key, or null to drop the key.</param>
public sealed record CheckpointLayout(string Name, string Description, Func<IReadOnlySet<string>, bool> Matches, Func<string, string?> KeyMap)
{
    /// <summary>The implied model overrides of a checkpoint with these keys (e.g. CAS-ViT's "distillation" when it has <c>dist_head.*</c>); empty by default.</summary>
    public Func<IReadOnlySet<string>, IReadOnlyDictionary<string, string>> ImpliedOverrides { get; init; } = _ => new Dictionary<string, string>();
}
