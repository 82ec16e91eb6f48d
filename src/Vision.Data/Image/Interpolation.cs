namespace Vision.Data.Image;

/// <summary>
/// Resampling filters of the image transforms (MMPreTrain's names, OpenCV's kernels: like MMPreTrain's cv2 backend,
/// bilinear and bicubic do not antialias when shrinking, as PIL does; use <see cref="Area"/> to shrink smoothly).
/// </summary>
public enum Interpolation
{
    /// <summary>Nearest neighbour.</summary>
    Nearest = 0,

    /// <summary>Bilinear.</summary>
    Bilinear = 1,

    /// <summary>Bicubic (OpenCV's a = -0.75).</summary>
    Bicubic = 2,

    /// <summary>Pixel-area averaging: the best filter for shrinking; like bilinear when enlarging.</summary>
    Area = 3,

    /// <summary>Lanczos over 8×8 neighbourhoods.</summary>
    Lanczos = 4,
}
