namespace Vision.Data.Transforms;

/// <summary>Applies transforms one after another (torchvision's Compose, MMPreTrain's pipeline list).</summary>
public sealed class Compose : ITransform
{
    /// <summary>Creates the pipeline.</summary>
    /// <exception cref="ArgumentException">A transform is null.</exception>
    public Compose(params IReadOnlyList<ITransform> transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        for (var i = 0; i < transforms.Count; i++)
        {
            if (transforms[i] is null)
            {
                throw new ArgumentException($"Transform {i} of the pipeline is null.", nameof(transforms));
            }
        }
        Transforms = [.. transforms];
    }

    /// <summary>The transforms, in the order they run.</summary>
    public IReadOnlyList<ITransform> Transforms { get; }

    /// <inheritdoc/>
    public DataSample Apply(DataSample sample, Random rng)
    {
        foreach (var transform in Transforms)
        {
            sample = transform.Apply(sample, rng);
        }
        return sample;
    }
}
