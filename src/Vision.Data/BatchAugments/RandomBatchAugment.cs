namespace Vision.Data.BatchAugments;

/// <summary>
/// Applies one of several batch augments, chosen at random per batch, as MMPreTrain's RandomBatchAugment: augment
/// k with probability probs[k]; the remaining probability 1 - Σ probs leaves the batch unmixed (its targets are
/// the smoothed one-hot labels). Without probs the augments are equally likely and one always applies.
/// One NextDouble (with probs) or Next(count) (without) chooses, then the chosen augment draws.
/// </summary>
public sealed class RandomBatchAugment : IBatchAugment
{
    private readonly IBatchAugment[] augments;
    private readonly double[]? probs;

    /// <summary>Creates the chooser.</summary>
    /// <param name="augments">The candidates.</param>
    /// <param name="numClasses">Number of classes (target width when nothing is applied).</param>
    /// <param name="probs">The probability of each candidate (summing to at most 1), or null for equal chances.</param>
    /// <param name="labelSmoothing">Label smoothing of the targets when nothing is applied; match the augments' own.</param>
    /// <exception cref="ArgumentException">No augment, a null augment, probabilities of the wrong count or out of range.</exception>
    public RandomBatchAugment(IReadOnlyList<IBatchAugment> augments, int numClasses, IReadOnlyList<double>? probs = null, double labelSmoothing = 0.0)
    {
        ArgumentNullException.ThrowIfNull(augments);
        if (augments.Count == 0)
        {
            throw new ArgumentException("RandomBatchAugment: give at least one augment.", nameof(augments));
        }
        for (var i = 0; i < augments.Count; i++)
        {
            if (augments[i] is null)
            {
                throw new ArgumentException($"RandomBatchAugment: augment {i} is null.", nameof(augments));
            }
        }
        if (probs is not null)
        {
            if (probs.Count != augments.Count)
            {
                throw new ArgumentException($"RandomBatchAugment: augments and probs must have the same length, got {augments.Count} and {probs.Count}.", nameof(probs));
            }
            for (var i = 0; i < probs.Count; i++)
            {
                Mixing.CheckProbability(probs[i], $"probs[{i}]", nameof(RandomBatchAugment));
            }
            if (probs.Sum() > 1 + 1e-9)
            {
                throw new ArgumentException($"RandomBatchAugment: the probabilities sum to {probs.Sum()}, more than 1.", nameof(probs));
            }
            this.probs = [.. probs];
        }
        Mixing.CheckClasses(numClasses, labelSmoothing, nameof(RandomBatchAugment));
        this.augments = [.. augments];
        NumClasses = numClasses;
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>The candidates.</summary>
    public IReadOnlyList<IBatchAugment> Augments => augments;

    /// <summary>The probability of each candidate, or null for equal chances.</summary>
    public IReadOnlyList<double>? Probs => probs;

    /// <summary>Number of classes.</summary>
    public int NumClasses { get; }

    /// <summary>Label smoothing of the targets when nothing is applied.</summary>
    public double LabelSmoothing { get; }

    /// <inheritdoc/>
    public (Tensor Images, Tensor Targets) Apply(Tensor images, Tensor labels, Random rng)
    {
        Mixing.CheckInputs(images, labels, nameof(RandomBatchAugment));
        if (Choose(rng) is { } augment)
        {
            return augment.Apply(images, labels, rng);
        }
        return (images.alias(), Mixing.SmoothedOneHot(labels, NumClasses, LabelSmoothing));
    }

    private IBatchAugment? Choose(Random rng)
    {
        if (probs is null)
        {
            return augments[rng.Next(augments.Length)];
        }
        var u = rng.NextDouble();
        var cumulative = 0.0;
        for (var i = 0; i < augments.Length; i++)
        {
            cumulative += probs[i];
            if (u < cumulative)
            {
                return augments[i];
            }
        }
        return null;
    }
}
