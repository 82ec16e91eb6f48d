namespace Vision.Models.Weights;

/// <summary>How <see cref="PretrainedWeights"/> fits a checkpoint to a model.</summary>
public sealed record WeightLoadOptions
{
    /// <summary>Checkpoint key → model key, or null to drop the key (see <see cref="KeyMaps"/>); null keeps keys as they are.</summary>
    public Func<string, string?>? KeyMap { get; init; }

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
