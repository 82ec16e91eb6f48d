using Vision.Data.Image;

namespace Vision.Data.Transforms;

/// <summary>
/// Cutout (DeVries and Taylor 2017) as in the CAS-ViT recipe: for each of <see cref="Holes"/> holes, picks a
/// centre pixel (y, x) uniformly and zeroes rows [y - L/2, y + L/2) and columns [x - L/2, x + L/2) (integer
/// halves, clipped at the borders; L = <see cref="Length"/>), in every channel. Works on uint8 (H, W, C) and on
/// normalised float (C, H, W) images.
/// </summary>
public sealed class Cutout : ITransform
{
    /// <summary>Creates the transform.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="holes"/> or <paramref name="length"/> is not positive.</exception>
    public Cutout(int holes, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(holes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        Holes = holes;
        Length = length;
    }

    /// <summary>Number of holes per image.</summary>
    public int Holes { get; }

    /// <summary>Side of a hole, in pixels.</summary>
    public int Length { get; }

    /// <inheritdoc/>
    public DataSample Apply(DataSample sample, Random rng)
    {
        var image = sample.Image;
        var (height, width, _) = ImageOps.Dimensions(image);
        // Rows and columns are dims 0 and 1 of an (H, W, C) image, 1 and 2 of a (C, H, W) one.
        var rowDim = image.dtype == ScalarType.Byte ? 0 : 1;
        using var scope = torch.NewDisposeScope();
        for (var hole = 0; hole < Holes; hole++)
        {
            var y = rng.Next(height);
            var x = rng.Next(width);
            int y1 = Math.Clamp(y - Length / 2, 0, height), y2 = Math.Clamp(y + Length / 2, 0, height);
            int x1 = Math.Clamp(x - Length / 2, 0, width), x2 = Math.Clamp(x + Length / 2, 0, width);
            if (y2 > y1 && x2 > x1)
            {
                image.narrow(rowDim, y1, y2 - y1).narrow(rowDim + 1, x1, x2 - x1).zero_();
            }
        }
        return sample;
    }
}
