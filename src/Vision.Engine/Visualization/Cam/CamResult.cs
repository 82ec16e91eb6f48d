namespace Vision.Engine.Visualization.Cam;

/// <summary>Class activation maps of a batch of images; the tensors are the caller's to dispose.</summary>
/// <param name="Maps">relu(Σ_k w_k A_k) at the layer's resolution, (N, h, w), float32.</param>
/// <param name="Heatmaps">The maps resized to the images (bilinear, align_corners false) and scaled to [0, 1] per image, (N, H, W).</param>
/// <param name="TargetClasses">The class each map explains.</param>
/// <param name="Probabilities">The softmax probability of the target class per image.</param>
/// <param name="Predictions">The top-1 class per image.</param>
public sealed record CamResult(Tensor Maps, Tensor Heatmaps, IReadOnlyList<int> TargetClasses, IReadOnlyList<double> Probabilities, IReadOnlyList<int> Predictions) : IDisposable
{
    /// <summary>Frees both tensors.</summary>
    public void Dispose()
    {
        Maps.Dispose();
        Heatmaps.Dispose();
    }
}
