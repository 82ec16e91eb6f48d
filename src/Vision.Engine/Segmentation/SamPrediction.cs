namespace Vision.Engine.Segmentation;

/// <summary>
/// What <see cref="SamPredictor.Predict"/> returns: masks (bool, or float logits when asked) at the original image
/// size, each mask's predicted IoU, and the low-res logits that can be fed back as a mask prompt. For one prompt the
/// shapes are (C, H, W), (C) and (C, 256, 256); for a batch of B prompts they gain a leading B.
/// </summary>
/// <param name="Masks">Masks (…, C, H, W): bool, or mask logits when logits were requested.</param>
/// <param name="IouPredictions">The model's estimate of each mask's IoU (…, C).</param>
/// <param name="LowResLogits">Logits at the decoder's resolution (…, C, 256, 256).</param>
public sealed record SamPrediction(Tensor Masks, Tensor IouPredictions, Tensor LowResLogits) : IDisposable
{
    /// <summary>Frees the three tensors.</summary>
    public void Dispose()
    {
        Masks.Dispose();
        IouPredictions.Dispose();
        LowResLogits.Dispose();
    }
}
