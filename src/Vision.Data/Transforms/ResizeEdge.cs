using Vision.Data.Image;

namespace Vision.Data.Transforms;

/// <summary>
/// Resizes so that one side (the short or long edge, the width or the height) becomes <see cref="Scale"/> pixels,
/// keeping the aspect ratio (MMPreTrain's ResizeEdge; with <see cref="Edge.Short"/> it is torchvision's
/// <c>Resize(int)</c>). The other side becomes ⌊scale · other / edge⌋.
/// </summary>
public sealed class ResizeEdge : ITransform
{
    /// <summary>Creates the transform.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is not positive.</exception>
    public ResizeEdge(int scale, Edge edge = Edge.Short, Interpolation interpolation = Interpolation.Bilinear)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        Scale = scale;
        Edge = edge;
        Interpolation = interpolation;
    }

    /// <summary>The target length of the chosen side, in pixels.</summary>
    public int Scale { get; }

    /// <summary>The side that is scaled to <see cref="Scale"/>.</summary>
    public Edge Edge { get; }

    /// <summary>The resampling filter.</summary>
    public Interpolation Interpolation { get; }

    /// <inheritdoc/>
    public DataSample Apply(DataSample sample, Random rng)
    {
        var (height, width, _) = ImageOps.Dimensions(sample.Image);
        var (h, w) = OutputSize(height, width, Edge, Scale);
        if (h != height || w != width)
        {
            sample.Image = ImageOps.Resize(sample.Image, h, w, Interpolation);
        }
        return sample;
    }

    /// <summary>The (height, width) after scaling side <paramref name="edge"/> of a height × width image to <paramref name="scale"/>.</summary>
    internal static (int Height, int Width) OutputSize(int height, int width, Edge edge, int scale)
    {
        var scaleWidth = edge switch
        {
            Edge.Short => width < height,
            Edge.Long => width > height,
            Edge.Width => true,
            _ => false,
        };
        // Integer products are exact; the division truncates as Python's int(scale * h / w) does.
        return scaleWidth
            ? (Math.Max(1, (int)((long)scale * height / (double)width)), scale)
            : (scale, Math.Max(1, (int)((long)scale * width / (double)height)));
    }
}
