namespace Vision.Models.Weights;

/// <summary>
/// Implemented by a module whose parameters depend on settings a checkpoint may have been trained with differently,
/// so <see cref="PretrainedWeights"/> can fit the checkpoint's tensors to it: e.g. a ViT backbone resizes the
/// position embedding of a 224-pixel checkpoint for 384-pixel images. The loader finds every such module in the model
/// and calls it for each checkpoint tensor under the module's prefix, after key mapping and before shape checks.
/// </summary>
public interface IAdaptsPretrainedWeights
{
    /// <summary>
    /// The tensor to load instead of <paramref name="value"/> for <paramref name="key"/> (relative to this module, e.g.
    /// "pos_embed"), or null to load it unchanged. Return a new tensor; the loader disposes it after copying.
    /// </summary>
    Tensor? AdaptPretrainedWeight(string key, Tensor value);
}
