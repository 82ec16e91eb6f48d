using Vision.Data.Image;

namespace Vision.Data.Transforms;

/// <summary>Mirrors the image with probability <see cref="Probability"/> (MMPreTrain's RandomFlip, torchvision's RandomHorizontalFlip).</summary>
public sealed class RandomFlip : ITransform
{
    /// <summary>Creates the transform.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="probability"/> is outside [0, 1].</exception>
    public RandomFlip(double probability = 0.5, FlipDirection direction = FlipDirection.Horizontal)
    {
        Probability = Check.Probability(probability);
        Direction = direction;
    }

    /// <summary>The chance of flipping.</summary>
    public double Probability { get; }

    /// <summary>The mirror axis.</summary>
    public FlipDirection Direction { get; }

    /// <inheritdoc/>
    public DataSample Apply(DataSample sample, Random rng)
    {
        if (rng.NextDouble() < Probability)
        {
            sample.Image = ImageOps.Flip(sample.Image, Direction == FlipDirection.Horizontal);
        }
        return sample;
    }
}
