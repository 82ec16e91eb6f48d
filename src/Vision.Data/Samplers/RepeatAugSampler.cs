namespace Vision.Data.Samplers;

/// <summary>
/// Repeated augmentation (Hoffer et al. 2019; DeiT), as timm's RepeatAugSampler: every index of the (optionally
/// shuffled) dataset appears <c>num_repeats</c> times in a row, the list is padded from its start to a multiple of
/// <c>num_replicas</c> and split across ranks like <see cref="DistributedSampler"/>, so the copies of one image land
/// on different ranks and get different augmentations. Each rank then keeps only the first
/// <c>num_selected_samples</c> of its share, so an epoch still covers about one dataset's worth of samples:
/// floor(length // selected_round · selected_round / selected_ratio), or ceil(length / selected_ratio) when
/// selected_round is 0; selected_ratio 0 means num_replicas. The shuffle is <c>torch.randperm(length)</c> from a
/// generator seeded with seed + epoch (timm seeds with the epoch alone, i.e. seed 0; MMPreTrain with seed + epoch).
/// </summary>
public sealed class RepeatAugSampler : ISampler
{
    private readonly int length;
    private readonly int numReplicas;
    private readonly int rank;
    private readonly long seed;
    private readonly int numSamples;

    /// <summary>Creates the sampler of rank <paramref name="rank"/> of <paramref name="num_replicas"/>.</summary>
    /// <exception cref="ArgumentException">The settings select no sample per rank (e.g. a dataset smaller than <paramref name="selected_round"/>).</exception>
    public RepeatAugSampler(int length, int num_replicas = 1, int rank = 0, bool shuffle = true, int num_repeats = 3, long seed = 0,
        int selected_round = 256, int selected_ratio = 0)
    {
        SamplerChecks.Length(length, nameof(RepeatAugSampler));
        SamplerChecks.Ranks(num_replicas, rank, nameof(RepeatAugSampler));
        if (num_repeats < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(num_repeats), num_repeats, "RepeatAugSampler: num_repeats must be at least 1.");
        }
        if (selected_round < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(selected_round), selected_round, "RepeatAugSampler: selected_round must not be negative (0 turns rounding off).");
        }
        if (selected_ratio < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(selected_ratio), selected_ratio, "RepeatAugSampler: selected_ratio must not be negative (0 means num_replicas).");
        }
        this.length = length;
        numReplicas = num_replicas;
        this.rank = rank;
        Shuffle = shuffle;
        NumRepeats = num_repeats;
        this.seed = seed;
        numSamples = checked((int)(((long)length * num_repeats + num_replicas - 1) / num_replicas));
        var ratio = selected_ratio == 0 ? num_replicas : selected_ratio;
        var selected = selected_round > 0
            ? length / selected_round * selected_round / ratio
            : (length + ratio - 1) / ratio;
        Count = Math.Min(selected, numSamples);
        if (Count == 0)
        {
            throw new ArgumentException(
                $"RepeatAugSampler selects no sample per rank: a dataset of {length} rounded down to a multiple of selected_round = {selected_round} " +
                $"and divided by {ratio} leaves 0. Pass selected_round: 0 for datasets smaller than {selected_round}.", nameof(selected_round));
        }
    }

    /// <summary>Whether the order is shuffled every epoch.</summary>
    public bool Shuffle { get; }

    /// <summary>How many times each index is repeated before the split across ranks.</summary>
    public int NumRepeats { get; }

    /// <summary>Indices per rank and epoch (num_selected_samples, at most this rank's share of the repeated list).</summary>
    public int Count { get; }

    /// <inheritdoc/>
    public int Epoch { get; private set; }

    /// <inheritdoc/>
    public void SetEpoch(int epoch) => Epoch = epoch;

    /// <inheritdoc/>
    public IReadOnlyList<int> GetIndices()
    {
        var order = Shuffle ? Permutation.Of(length, seed + Epoch) : Enumerable.Range(0, length).ToArray();
        var repeated = new int[order.Length * NumRepeats];
        for (var i = 0; i < repeated.Length; i++)
        {
            repeated[i] = order[i / NumRepeats];
        }
        var share = Permutation.PadAndStride(repeated, numSamples * numReplicas, rank, numReplicas);
        return share[..Count];
    }
}
