using Vision.Data.Image;

namespace Vision.Data.Transforms;

/// <summary>Pads the borders (torchvision's Pad): constant fill, edge replication, reflection or symmetric mirroring.</summary>
public sealed class Pad : ITransform
{
    private readonly double[] fill;

    /// <summary>Pads every side by <paramref name="padding"/> pixels.</summary>
    /// <exception cref="ArgumentException"><paramref name="padding"/> is negative or <paramref name="fill"/> has 0 or more than 4 values.</exception>
    public Pad(int padding, PaddingMode mode = PaddingMode.Constant, params double[] fill) : this([padding], mode, fill)
    {
    }

    /// <summary>
    /// Pads by torchvision's padding list: one value for all sides, two for (left/right, top/bottom), or four for
    /// (left, top, right, bottom). <paramref name="fill"/> is one value or one per channel (constant mode only);
    /// none means 0.
    /// </summary>
    /// <exception cref="ArgumentException">The padding has not 1, 2 or 4 values, a value is negative, or <paramref name="fill"/> has more than 4 values.</exception>
    public Pad(int[] padding, PaddingMode mode = PaddingMode.Constant, params double[] fill)
    {
        ArgumentNullException.ThrowIfNull(padding);
        if (padding.Any(p => p < 0))
        {
            throw new ArgumentException($"padding must not be negative, got [{string.Join(", ", padding)}].", nameof(padding));
        }
        (Left, Top, Right, Bottom) = padding.Length switch
        {
            1 => (padding[0], padding[0], padding[0], padding[0]),
            2 => (padding[0], padding[1], padding[0], padding[1]),
            4 => (padding[0], padding[1], padding[2], padding[3]),
            _ => throw new ArgumentException($"padding takes 1, 2 or 4 values, got {padding.Length}.", nameof(padding)),
        };
        if (fill.Length > 4)
        {
            throw new ArgumentException($"fill takes one value or one per channel (at most 4), got {fill.Length}.", nameof(fill));
        }
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown padding mode.");
        }
        Mode = mode;
        this.fill = fill.Length == 0 ? [0] : [.. fill];
    }

    /// <summary>Pixels added on the left.</summary>
    public int Left { get; }

    /// <summary>Pixels added on top.</summary>
    public int Top { get; }

    /// <summary>Pixels added on the right.</summary>
    public int Right { get; }

    /// <summary>Pixels added at the bottom.</summary>
    public int Bottom { get; }

    /// <summary>How the border is filled.</summary>
    public PaddingMode Mode { get; }

    /// <summary>The constant fill value(s).</summary>
    public IReadOnlyList<double> Fill => fill;

    /// <inheritdoc/>
    public DataSample Apply(DataSample sample, Random rng)
    {
        sample.Image = ImageOps.Pad(sample.Image, Left, Top, Right, Bottom, Mode, fill);
        return sample;
    }
}
