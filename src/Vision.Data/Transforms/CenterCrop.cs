using Vision.Data.Image;

namespace Vision.Data.Transforms;

/// <summary>
/// Crops the central (height, width) box (torchvision's CenterCrop): top = round((H - h) / 2),
/// left = round((W - w) / 2), rounding halves to even as Python does. A box larger than the image is first
/// zero-padded, (size - side) / 2 before and the rest after.
/// </summary>
public sealed class CenterCrop : ITransform
{
    /// <summary>Crops a size × size square.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not positive.</exception>
    public CenterCrop(int size) : this(size, size)
    {
    }

    /// <summary>Crops a height × width box.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public CenterCrop(int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        Height = height;
        Width = width;
    }

    /// <summary>The crop height.</summary>
    public int Height { get; }

    /// <summary>The crop width.</summary>
    public int Width { get; }

    /// <inheritdoc/>
    public DataSample Apply(DataSample sample, Random rng)
    {
        var (h, w, _) = ImageOps.Dimensions(sample.Image);
        if (Height > h || Width > w)
        {
            int padX = Math.Max(Width - w, 0), padY = Math.Max(Height - h, 0);
            sample.Image = ImageOps.Pad(sample.Image, padX / 2, padY / 2, (padX + 1) / 2, (padY + 1) / 2, PaddingMode.Constant, [0]);
            (h, w, _) = ImageOps.Dimensions(sample.Image);
        }
        if (Height == h && Width == w)
        {
            return sample;
        }
        var top = (int)Math.Round((h - Height) / 2.0);
        var left = (int)Math.Round((w - Width) / 2.0);
        sample.Image = ImageOps.Crop(sample.Image, top, left, Height, Width);
        return sample;
    }
}
