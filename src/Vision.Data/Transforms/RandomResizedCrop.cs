using Vision.Data.Image;

namespace Vision.Data.Transforms;

/// <summary>
/// Crops a random box of random area and aspect ratio and resizes it to (height, width) — the Inception crop of
/// torchvision's RandomResizedCrop, with its sampling: up to 10 attempts draw an area fraction uniformly from
/// <see cref="Scale"/> and an aspect ratio (w / h) log-uniformly from <see cref="Ratio"/>, keeping the first box
/// that fits; otherwise the largest centred box whose ratio is clamped into <see cref="Ratio"/>.
/// </summary>
public sealed class RandomResizedCrop : ITransform
{
    private const int Attempts = 10;

    /// <summary>Crops to a size × size square.</summary>
    /// <exception cref="ArgumentException">A size is not positive, or a range is reversed or not positive; the message names it.</exception>
    public RandomResizedCrop(int size, (double Min, double Max)? scale = null, (double Min, double Max)? ratio = null,
        Interpolation interpolation = Interpolation.Bilinear)
        : this(size, size, scale, ratio, interpolation)
    {
    }

    /// <summary>Crops to height × width; <paramref name="scale"/> defaults to (0.08, 1), <paramref name="ratio"/> to (3/4, 4/3).</summary>
    /// <exception cref="ArgumentException">A size is not positive, or a range is reversed or not positive; the message names it.</exception>
    public RandomResizedCrop(int height, int width, (double Min, double Max)? scale = null, (double Min, double Max)? ratio = null,
        Interpolation interpolation = Interpolation.Bilinear)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        Height = height;
        Width = width;
        Scale = Check.Range(scale ?? (0.08, 1.0), nameof(scale), upper: 1, positive: true);
        Ratio = Check.Range(ratio ?? (3.0 / 4.0, 4.0 / 3.0), nameof(ratio), positive: true);
        Interpolation = interpolation;
    }

    /// <summary>The output height.</summary>
    public int Height { get; }

    /// <summary>The output width.</summary>
    public int Width { get; }

    /// <summary>The range of the box area as a fraction of the image area.</summary>
    public (double Min, double Max) Scale { get; }

    /// <summary>The range of the box aspect ratio, width / height.</summary>
    public (double Min, double Max) Ratio { get; }

    /// <summary>The resampling filter.</summary>
    public Interpolation Interpolation { get; }

    /// <inheritdoc/>
    /// <remarks>
    /// A sample that still holds a JPEG's bytes (<see cref="DataSample.Encoded"/>, as <see cref="Datasets.ImageFolder"/>
    /// gives them) is decoded only as far as the box needs; the pixels and the random draws are the same as for a
    /// decoded image.
    /// </remarks>
    public DataSample Apply(DataSample sample, Random rng)
    {
        if (sample.Encoded?.BoxDecodableSize is var (height, width))
        {
            var box = SampleBox(height, width, rng);
            sample.Image = sample.Encoded.DecodeResizedCrop(box.Top, box.Left, box.Height, box.Width, Height, Width, Interpolation);
            return sample;
        }
        var (h, w, _) = ImageOps.Dimensions(sample.Image);
        var (top, left, boxHeight, boxWidth) = SampleBox(h, w, rng);
        sample.Image = ImageOps.ResizedCrop(sample.Image, top, left, boxHeight, boxWidth, Height, Width, Interpolation);
        return sample;
    }

    /// <summary>The crop box (top, left, height, width) for a height × width image (torchvision's get_params).</summary>
    public (int Top, int Left, int Height, int Width) SampleBox(int height, int width, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var area = (double)height * width;
        double logMin = Math.Log(Ratio.Min), logMax = Math.Log(Ratio.Max);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var targetArea = area * Sampling.Uniform(rng, Scale.Min, Scale.Max);
            var aspect = Math.Exp(Sampling.Uniform(rng, logMin, logMax));
            // Math.Round rounds halves to even, as Python's round().
            var w = (int)Math.Round(Math.Sqrt(targetArea * aspect));
            var h = (int)Math.Round(Math.Sqrt(targetArea / aspect));
            if (w > 0 && w <= width && h > 0 && h <= height)
            {
                var top = rng.Next(height - h + 1);
                var left = rng.Next(width - w + 1);
                return (top, left, h, w);
            }
        }
        var inRatio = (double)width / height;
        var (fw, fh) = inRatio < Ratio.Min ? (width, (int)Math.Round(width / Ratio.Min))
            : inRatio > Ratio.Max ? ((int)Math.Round(height * Ratio.Max), height)
            : (width, height);
        return ((height - fh) / 2, (width - fw) / 2, fh, fw);
    }
}
