namespace Vision.Models.Registry;

/// <summary>A registered architecture: its name, how to build it and how its reference checkpoints' keys map onto it.</summary>
/// <param name="Name">The model name (lower case by convention, e.g. "resnet50", "vit-base-p16").</param>
/// <param name="Factory">
/// Builds a new model from the options; called once per model. Most models are <see cref="ImageClassifier"/>s; others
/// (e.g. Segment Anything) are plain modules, built through <see cref="ModelRegistry.CreateModule"/>.
/// </param>
/// <param name="Description">One line for listings (architecture, variant, source).</param>
public sealed record ModelInfo(string Name, Func<ModelOptions, nn.Module> Factory, string Description)
{
    /// <summary>Other names that resolve to this model (e.g. timm's "rcvit_xs" for "cas-vit-xs").</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>
    /// Maps a key of the architecture's reference checkpoints (torchvision/timm layout) to this classifier's key, or to
    /// null to drop it; pass it as <see cref="Weights.WeightLoadOptions.KeyMap"/>. Null when checkpoints already use the
    /// classifier's keys (<c>backbone.*</c>, <c>head.*</c>).
    /// </summary>
    public Func<string, string?>? PretrainedKeyMap { get; init; }
}
