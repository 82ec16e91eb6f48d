namespace Vision.Data.Samplers;

/// <summary>
/// Visits every index once per epoch in a random order (torch.utils.data.RandomSampler without replacement).
/// Unlike PyTorch's, whose order comes from the global RNG, the order is <c>torch.randperm(length)</c> from a
/// generator seeded with seed + epoch, exactly as DistributedSampler shuffles, so a run is reproducible and
/// <c>new DistributedSampler(length, 1, 0, seed: s)</c> visits the same order.
/// </summary>
public sealed class RandomSampler : ISampler
{
    private readonly long seed;

    /// <summary>Creates a sampler over a dataset of <paramref name="length"/> samples.</summary>
    public RandomSampler(int length, long seed = 0)
    {
        SamplerChecks.Length(length, nameof(RandomSampler));
        Count = length;
        this.seed = seed;
    }

    /// <inheritdoc/>
    public int Count { get; }

    /// <inheritdoc/>
    public int Epoch { get; private set; }

    /// <inheritdoc/>
    public void SetEpoch(int epoch) => Epoch = epoch;

    /// <inheritdoc/>
    public IReadOnlyList<int> GetIndices() => Permutation.Of(Count, seed + Epoch);
}
