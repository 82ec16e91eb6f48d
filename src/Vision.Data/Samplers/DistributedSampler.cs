namespace Vision.Data.Samplers;

/// <summary>
/// Gives each of <c>num_replicas</c> ranks its own share of the dataset, as torch.utils.data.DistributedSampler:
/// the (optionally shuffled) index list is padded by repeating it from the start until every rank gets
/// ceil(length / num_replicas) indices, or with drop_last truncated to floor(length / num_replicas) per rank, and
/// rank r takes entries r, r + num_replicas, r + 2·num_replicas, …. The shuffle is <c>torch.randperm(length)</c>
/// from a generator seeded with seed + epoch, so the index sets equal PyTorch's for the same libtorch.
/// </summary>
public sealed class DistributedSampler : ISampler
{
    private readonly int length;
    private readonly int numReplicas;
    private readonly int rank;
    private readonly long seed;

    /// <summary>Creates the sampler of rank <paramref name="rank"/> of <paramref name="num_replicas"/>.</summary>
    public DistributedSampler(int length, int num_replicas, int rank, bool shuffle = true, long seed = 0, bool drop_last = false)
    {
        SamplerChecks.Length(length, nameof(DistributedSampler));
        SamplerChecks.Ranks(num_replicas, rank, nameof(DistributedSampler));
        this.length = length;
        numReplicas = num_replicas;
        this.rank = rank;
        Shuffle = shuffle;
        this.seed = seed;
        DropLast = drop_last;
        Count = drop_last ? length / num_replicas : (length + num_replicas - 1) / num_replicas;
    }

    /// <summary>Whether the order is shuffled every epoch.</summary>
    public bool Shuffle { get; }

    /// <summary>Whether the tail that does not divide evenly is dropped instead of padded.</summary>
    public bool DropLast { get; }

    /// <summary>Indices per rank and epoch (num_samples).</summary>
    public int Count { get; }

    /// <inheritdoc/>
    public int Epoch { get; private set; }

    /// <inheritdoc/>
    public void SetEpoch(int epoch) => Epoch = epoch;

    /// <inheritdoc/>
    public IReadOnlyList<int> GetIndices()
    {
        IReadOnlyList<int> indices = Shuffle ? Permutation.Of(length, seed + Epoch) : Enumerable.Range(0, length).ToArray();
        return Permutation.PadAndStride(indices, Count * numReplicas, rank, numReplicas);
    }
}
