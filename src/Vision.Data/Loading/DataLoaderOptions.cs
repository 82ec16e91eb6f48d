namespace Vision.Data.Loading;

/// <summary>
/// Settings of a <see cref="DataLoader"/>, named after torch.utils.data.DataLoader's arguments. Bindable from
/// configuration; <see cref="Validate"/> (called by the loader's constructor) rejects invalid values. A record, so a
/// variant is one <c>with</c> expression away (the distributed trainer's copy without <c>shuffle</c>).
/// </summary>
public sealed record DataLoaderOptions
{
    /// <summary>Samples per batch (batch_size). Default 1.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Visit the dataset in a new random order every epoch (shuffle); only without an explicit sampler.</summary>
    public bool Shuffle { get; init; }

    /// <summary>Drop the last batch when it would be smaller than <see cref="BatchSize"/> (drop_last).</summary>
    public bool DropLast { get; init; }

    /// <summary>Worker threads that load and collate batches (num_workers); 0 loads on the consuming thread.</summary>
    public int NumWorkers { get; init; }

    /// <summary>Batches each worker may have ready ahead of the consumer (prefetch_factor). Default 2.</summary>
    public int PrefetchFactor { get; init; } = 2;

    /// <summary>Keep the worker threads between epochs instead of starting new ones each epoch (persistent_workers).</summary>
    public bool PersistentWorkers { get; init; }

    /// <summary>
    /// Seeds the shuffle (seed + epoch) and every sample's <see cref="Random"/> (from seed, epoch and index),
    /// so the batches do not depend on the number of workers.
    /// </summary>
    public long Seed { get; init; }

    /// <summary>Collate into page-locked host memory for faster copies to the GPU (pin_memory); ignored without CUDA.</summary>
    public bool PinMemory { get; init; }

    /// <summary>
    /// Skip samples whose loading or transforms fail (e.g. corrupt images) instead of stopping; the loader counts
    /// them and reports them at the end of the epoch. Off by default: a bad sample throws.
    /// </summary>
    public bool SkipBadSamples { get; init; }

    /// <summary>Throws if any value is invalid; the message has one line per invalid value.</summary>
    /// <exception cref="ArgumentException">At least one value is invalid.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (BatchSize < 1)
        {
            problems.Add($"BatchSize (batch_size) must be at least 1, got {BatchSize}.");
        }
        if (NumWorkers < 0)
        {
            problems.Add($"NumWorkers (num_workers) must not be negative, got {NumWorkers}.");
        }
        if (PrefetchFactor < 1)
        {
            problems.Add($"PrefetchFactor (prefetch_factor) must be at least 1, got {PrefetchFactor}.");
        }
        if (PersistentWorkers && NumWorkers == 0)
        {
            problems.Add("PersistentWorkers (persistent_workers) needs NumWorkers > 0: there are no worker threads to keep.");
        }
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid DataLoaderOptions:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        }
    }
}
