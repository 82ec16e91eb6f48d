using Vision.Data.Image;

namespace Vision.Data.Transforms;

/// <summary>
/// Converts the image to grayscale with probability <see cref="Probability"/>, keeping its channel count
/// (torchvision's RandomGrayscale). The luma is torchvision's tensor formula: 0.2989 R + 0.587 G + 0.114 B,
/// truncated (ITU-R 601-2; PIL rounds with 0.299 instead, which differs by at most one level).
/// </summary>
public sealed class RandomGrayscale : ITransform
{
    /// <summary>Creates the transform.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="probability"/> is outside [0, 1].</exception>
    public RandomGrayscale(double probability = 0.1) => Probability = Check.Probability(probability);

    /// <summary>The chance of converting.</summary>
    public double Probability { get; }

    /// <inheritdoc/>
    public DataSample Apply(DataSample sample, Random rng)
    {
        if (rng.NextDouble() < Probability)
        {
            sample.Image = ImageOps.Grayscale(sample.Image, ImageOps.Dimensions(sample.Image).Channels);
        }
        return sample;
    }
}
