using Vision.Data.Image;

namespace Vision.Data.Transforms;

/// <summary>
/// Resizes to a fixed (height, width), or — given one size — the shorter side to that size keeping the aspect
/// ratio (torchvision's Resize).
/// </summary>
public sealed class Resize : ITransform
{
    private readonly ResizeEdge? shortEdge;

    /// <summary>Resizes the shorter side to <paramref name="size"/>, the longer one to ⌊size · long / short⌋.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not positive.</exception>
    public Resize(int size, Interpolation interpolation = Interpolation.Bilinear)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        shortEdge = new ResizeEdge(size, Edge.Short, interpolation);
        Interpolation = interpolation;
    }

    /// <summary>Resizes to exactly <paramref name="height"/> × <paramref name="width"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public Resize(int height, int width, Interpolation interpolation = Interpolation.Bilinear)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        Height = height;
        Width = width;
        Interpolation = interpolation;
    }

    /// <summary>The output height, or null when the shorter side is resized.</summary>
    public int? Height { get; }

    /// <summary>The output width, or null when the shorter side is resized.</summary>
    public int? Width { get; }

    /// <summary>The resampling filter.</summary>
    public Interpolation Interpolation { get; }

    /// <inheritdoc/>
    public DataSample Apply(DataSample sample, Random rng)
    {
        if (shortEdge is not null)
        {
            return shortEdge.Apply(sample, rng);
        }
        sample.Image = ImageOps.Resize(sample.Image, Height!.Value, Width!.Value, Interpolation);
        return sample;
    }
}
