namespace Vision.nn;

/// <summary>Resampling modes of <see cref="functional.interpolate(Tensor, long[], double[], InterpolationMode, bool?, bool)"/>.</summary>
public enum InterpolationMode
{
    /// <summary>Nearest neighbour (PyTorch's 'nearest').</summary>
    Nearest = 0,
    /// <summary>Bilinear.</summary>
    Bilinear = 1,
    /// <summary>Bicubic (a = -0.75, as PyTorch).</summary>
    Bicubic = 2,
}
