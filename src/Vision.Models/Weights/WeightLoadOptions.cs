namespace Vision.Models.Weights;

/// <summary>How <see cref="PretrainedWeights"/> fits a checkpoint to a model.</summary>
public sealed record WeightLoadOptions
{
    /// <summary>
    /// Checkpoint key → model key, or null to drop the key (see <see cref="KeyMaps"/>). When set it is always used;
    /// when null (the default) keys are kept if any is already the model's, else mapped by the
    /// <see cref="CheckpointLayouts"/> entry the keys match, else by <see cref="FallbackKeyMap"/>.
    /// </summary>
    public Func<string, string?>? KeyMap { get; init; }

    /// <summary>The name of a <see cref="CheckpointLayouts"/> entry to map keys with, overriding detection (ignored when <see cref="KeyMap"/> is set).</summary>
    public string? KeyMapName { get; init; }

    /// <summary>The map for checkpoints whose keys are neither the model's nor a known layout (e.g. the architecture's <see cref="Registry.ModelInfo.PretrainedKeyMap"/>).</summary>
    public Func<string, string?>? FallbackKeyMap { get; init; }

    /// <summary>
    /// Called for every (mapped) key before the modules' own <see cref="IAdaptsPretrainedWeights"/>: returns the tensor
    /// to load instead (a new one; the loader disposes it), or null to keep the checkpoint's.
    /// </summary>
    public Func<string, Tensor, Tensor?>? Adapter { get; init; }

    /// <summary>
    /// Refuse (throwing before anything is copied) when the model has keys the checkpoint lacks or the checkpoint has
    /// keys the model lacks; skipped classifier keys do not count. Default true.
    /// </summary>
    public bool Strict { get; init; } = true;

    /// <summary>
    /// Leave the classifier layers (<see cref="Heads.ClsHead.classifier_keys"/>) at their initial values when their
    /// shapes differ from the checkpoint's, as when fine-tuning 1000-class weights on 3 classes. Default true.
    /// </summary>
    public bool SkipMismatchedClassifier { get; init; } = true;

    /// <summary>Receives one line per notable event: skipped classifier keys, and missing or unexpected keys when not strict.</summary>
    public Action<string>? Log { get; init; }
}
