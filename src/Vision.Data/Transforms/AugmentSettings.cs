using Vision.Data.Image;

namespace Vision.Data.Transforms;

/// <summary>timm's augmentation hyper-parameters shared by the operations of one AutoAugment/RandAugment.</summary>
/// <param name="MagnitudeStd">Std of the Gaussian noise added to each magnitude; +∞ samples uniformly from [0, magnitude]; 0 disables noise.</param>
/// <param name="MagnitudeMax">Upper clip of the noisy magnitude (timm's mmax; 10 by default).</param>
/// <param name="Fill">Fill colour of pixels that geometric operations bring in from outside the image.</param>
/// <param name="Interpolation">Resampling of the geometric operations; null picks bilinear or bicubic at random per operation.</param>
internal sealed record AugmentSettings(double MagnitudeStd, double MagnitudeMax, double[] Fill, Interpolation? Interpolation)
{
    /// <summary>timm's default fill when no dataset mean is given (_HPARAMS_DEFAULT's img_mean).</summary>
    internal static readonly double[] DefaultFill = [128, 128, 128];

    /// <summary>Validates the user-facing parameters; messages name the parameter and its value.</summary>
    internal static AugmentSettings Create(double magnitudeStd, double magnitudeMax, IReadOnlyList<double>? fill, Interpolation? interpolation)
    {
        if (!(magnitudeStd >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(magnitudeStd), magnitudeStd, "magnitudeStd must be non-negative (+∞ for uniform sampling).");
        }
        if (!(magnitudeMax > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(magnitudeMax), magnitudeMax, "magnitudeMax must be positive.");
        }
        if (fill is { Count: 0 or > 4 })
        {
            throw new ArgumentException($"fill takes one value or one per channel (at most 4), got {fill.Count}.", nameof(fill));
        }
        if (interpolation is not (null or Image.Interpolation.Nearest or Image.Interpolation.Bilinear or Image.Interpolation.Bicubic))
        {
            throw new ArgumentOutOfRangeException(nameof(interpolation), interpolation, "Geometric augmentations support nearest, bilinear or bicubic.");
        }
        return new AugmentSettings(magnitudeStd, magnitudeMax, fill is null ? DefaultFill : [.. fill], interpolation);
    }
}
