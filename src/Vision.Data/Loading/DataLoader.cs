using System.Collections;
using System.Runtime.ExceptionServices;
using Vision.Data.Samplers;
using Vision.Data.Transforms;

namespace Vision.Data.Loading;

/// <summary>
/// Loads a dataset in batches (torch.utils.data.DataLoader): a sampler picks the indices of an epoch, each sample
/// is read and transformed, and the samples are collated into a <see cref="Batch"/> of one contiguous uint8
/// (N, C, H, W) tensor (from uint8 (H, W, C) samples; float (C, H, W) samples give float) and int64 labels (N).
/// <code>
/// using var loader = new DataLoader(dataset, new DataLoaderOptions { BatchSize = 64, Shuffle = true, NumWorkers = 4 }, transforms);
/// foreach (var batch in loader.Epoch(epoch))
/// {
///     using (batch) { /* train on batch.Images, batch.Targets */ }
/// }
/// </code>
/// Workers are .NET threads with a bounded prefetch queue. Each sample's transforms draw from a
/// <see cref="Random"/> seeded from (seed, epoch, index) (<see cref="CreateSampleRandom"/>), so any number of
/// workers yields the same batches in the same order. The consumer owns every batch it receives and disposes it;
/// batches loaded ahead but never taken (early break, an exception, <see cref="Dispose"/>) are freed by the loader.
/// One enumeration runs at a time: starting another stops the previous one.
/// </summary>
public sealed class DataLoader : IEnumerable<Batch>, IDisposable
{
    private readonly IReadOnlyList<ITransform> transforms;
    // A final Normalize runs in the collate (Collate.Samples): one pass from each uint8 crop into the float batch,
    // instead of a float image per sample and a second copy of it into the batch. The values are the same.
    private readonly IReadOnlyList<ITransform> sampleTransforms;
    private readonly Normalize? batchNormalize;
    private readonly bool pinMemory;
    private readonly object gate = new();
    private WorkerPool? persistentPool;
    private EpochRun? activeRun;
    private bool disposed;
    private long batchesCollated;
    private long batchesDiscarded;

    /// <summary>Creates a loader over <paramref name="dataset"/>.</summary>
    /// <param name="dataset">The samples; its <see cref="IDataset.Get"/> is called from the worker threads.</param>
    /// <param name="options">Batch size, workers, seed, …; validated here. Defaults to <c>new DataLoaderOptions()</c>.</param>
    /// <param name="transforms">Per-sample transforms applied in order after loading.</param>
    /// <param name="sampler">The index order; defaults to a <see cref="RandomSampler"/> (shuffle) or <see cref="SequentialSampler"/>.</param>
    /// <exception cref="ArgumentException">An option is invalid, or shuffle is combined with a sampler.</exception>
    public DataLoader(IDataset dataset, DataLoaderOptions? options = null, IReadOnlyList<ITransform>? transforms = null, ISampler? sampler = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        Options = options ?? new DataLoaderOptions();
        Options.Validate();
        if (sampler is not null && Options.Shuffle)
        {
            throw new ArgumentException(
                "DataLoader: Shuffle (shuffle) cannot be combined with a sampler, which decides the order itself; " +
                "use a shuffling sampler (RandomSampler, DistributedSampler with shuffle) instead.", nameof(sampler));
        }
        this.transforms = transforms ?? [];
        for (var i = 0; i < this.transforms.Count; i++)
        {
            if (this.transforms[i] is null)
            {
                throw new ArgumentException($"DataLoader: transform {i} is null.", nameof(transforms));
            }
        }
        batchNormalize = this.transforms.Count > 0 ? this.transforms[^1] as Normalize : null;
        sampleTransforms = batchNormalize is null ? this.transforms : this.transforms.Take(this.transforms.Count - 1).ToArray();
        Dataset = dataset;
        Sampler = sampler ?? (Options.Shuffle ? new RandomSampler(dataset.Count, Options.Seed) : new SequentialSampler(dataset.Count));
        pinMemory = Options.PinMemory && torch.cuda.is_available();
    }

    /// <summary>The dataset.</summary>
    public IDataset Dataset { get; }

    /// <summary>The settings.</summary>
    public DataLoaderOptions Options { get; }

    /// <summary>The sampler that orders each epoch; its epoch is the one the loader iterates.</summary>
    public ISampler Sampler { get; }

    /// <summary>Batches per epoch (len(loader)); fewer come out when skipped samples empty a whole batch.</summary>
    public int Count => Options.DropLast ? Sampler.Count / Options.BatchSize : (Sampler.Count + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>
    /// The samples skipped (with <see cref="DataLoaderOptions.SkipBadSamples"/>) so far in the current or latest
    /// epoch, in batch order.
    /// </summary>
    public IReadOnlyList<SampleLoadException> SkippedSamples { get; private set; } = [];

    /// <summary>Raised when an epoch that skipped samples has been enumerated to its end.</summary>
    public event EventHandler<SkippedSamplesEventArgs>? SamplesSkipped;

    /// <summary>Worker threads now running for this loader (for tests).</summary>
    internal IReadOnlyList<Thread> WorkerThreads
    {
        get
        {
            lock (gate)
            {
                return (persistentPool ?? activeRun?.OwnedPool)?.Threads ?? [];
            }
        }
    }

    /// <summary>Batches collated so far (for tests).</summary>
    internal long BatchesCollated => Interlocked.Read(ref batchesCollated);

    /// <summary>Collated batches the loader freed because nobody took them (for tests).</summary>
    internal long BatchesDiscarded => Interlocked.Read(ref batchesDiscarded);

    /// <summary>
    /// The random source of sample <paramref name="index"/> in <paramref name="epoch"/>: seeded from a SplitMix64
    /// hash of (seed, epoch, index), so it does not depend on which worker loads the sample or when.
    /// </summary>
    public static Random CreateSampleRandom(long seed, int epoch, int index)
    {
        var h = SplitMix64(SplitMix64(SplitMix64(unchecked((ulong)seed)) ^ unchecked((ulong)epoch)) ^ unchecked((ulong)index));
        return new Random((int)(h >> 33));
    }

    private static ulong SplitMix64(ulong z)
    {
        unchecked
        {
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>
    /// A new loader over the same dataset, transforms and options but visiting the indices <paramref name="sampler"/>
    /// chooses (shuffle off, since the sampler decides the order), e.g. one rank's <see cref="DistributedSampler"/> share.
    /// The caller disposes it; this loader is unchanged.
    /// </summary>
    public DataLoader WithSampler(ISampler sampler)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        return new DataLoader(Dataset, Options with { Shuffle = false }, transforms, sampler);
    }

    /// <summary>Sets the sampler's epoch (set_epoch), which reseeds the shuffle and the per-sample random sources.</summary>
    public void SetEpoch(int epoch) => Sampler.SetEpoch(epoch);

    /// <summary>The batches of <paramref name="epoch"/>; the sampler's epoch is set when the enumeration starts.</summary>
    public IEnumerable<Batch> Epoch(int epoch) => Enumerate(epoch, 0);

    /// <summary>
    /// The batches of <paramref name="epoch"/> after its first <paramref name="skipBatches"/> planned batches, which are
    /// never loaded: resuming an epoch midway (a recovery checkpoint) continues with exactly the batches an
    /// uninterrupted run would have seen, since the order and every sample's random source depend only on the seed,
    /// the epoch and the index. A planned batch counts even when <see cref="DataLoaderOptions.SkipBadSamples"/> emptied it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="skipBatches"/> is negative or more than <see cref="Count"/>.</exception>
    public IEnumerable<Batch> Epoch(int epoch, int skipBatches)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skipBatches);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(skipBatches, Count);
        return Enumerate(epoch, skipBatches);
    }

    /// <summary>The batches of the sampler's current epoch (see <see cref="SetEpoch"/>).</summary>
    public IEnumerator<Batch> GetEnumerator() => Enumerate(null, 0).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private IEnumerable<Batch> Enumerate(int? epochToSet, int skipBatches)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (epochToSet is { } e)
        {
            Sampler.SetEpoch(e);
        }
        var epoch = Sampler.Epoch;
        var plan = Plan()[skipBatches..];
        var skipped = new List<SampleLoadException>();
        SkippedSamples = skipped;
        var run = Options.NumWorkers > 0 ? StartRun(epoch, plan) : null;
        try
        {
            for (var b = 0; b < plan.Length; b++)
            {
                var result = run?.Take(b) ?? LoadOnThisThread(plan[b], epoch);
                skipped.AddRange(result.Skipped);
                if (result.Error is { } error)
                {
                    ExceptionDispatchInfo.Throw(error);
                }
                if (result.Batch is { } batch)
                {
                    yield return batch;
                }
            }
        }
        finally
        {
            if (run is not null)
            {
                FinishRun(run);
            }
        }
        if (skipped.Count > 0)
        {
            SamplesSkipped?.Invoke(this, new SkippedSamplesEventArgs(epoch, skipped));
        }
    }

    private int[][] Plan()
    {
        var indices = Sampler.GetIndices();
        foreach (var index in indices)
        {
            if ((uint)index >= (uint)Dataset.Count)
            {
                throw new InvalidOperationException(
                    $"{Sampler.GetType().Name} produced index {index}, outside the dataset of {Dataset.Count} samples; was it made for another dataset?");
            }
        }
        var batches = indices.Chunk(Options.BatchSize);
        return (Options.DropLast ? batches.Where(b => b.Length == Options.BatchSize) : batches).ToArray();
    }

    private BatchResult LoadOnThisThread(int[] indices, int epoch)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return LoadBatch(indices, epoch, CancellationToken.None);
    }

    private EpochRun StartRun(int epoch, int[][] plan)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            activeRun?.Stop(new InvalidOperationException(
                "A newer enumeration of this DataLoader started; this one was stopped and its prefetched batches freed."));
            var pool = Options.PersistentWorkers ? persistentPool ??= new WorkerPool(Options.NumWorkers) : new WorkerPool(Options.NumWorkers);
            var run = new EpochRun(this, epoch, plan, Options.NumWorkers, Options.PrefetchFactor, Options.PersistentWorkers ? null : pool);
            activeRun = run;
            pool.Start(run);
            return run;
        }
    }

    private void FinishRun(EpochRun run)
    {
        lock (gate)
        {
            if (activeRun == run)
            {
                activeRun = null;
            }
        }
        run.Stop();
    }

    /// <summary>
    /// Loads, transforms and collates the samples of one batch. Sample and collate failures come back in the
    /// result (to be rethrown on the consumer's thread); only cancellation throws.
    /// </summary>
    internal BatchResult LoadBatch(int[] indices, int epoch, CancellationToken cancellation)
    {
        var samples = new List<DataSample>(indices.Length);
        var skipped = new List<SampleLoadException>();
        try
        {
            foreach (var index in indices)
            {
                cancellation.ThrowIfCancellationRequested();
                try
                {
                    samples.Add(LoadSample(index, epoch));
                }
                catch (SampleLoadException e) when (Options.SkipBadSamples)
                {
                    skipped.Add(e);
                }
            }
            if (samples.Count == 0)
            {
                return new BatchResult(null, null, skipped);
            }
            var batch = Collate.Samples(samples, pinMemory, batchNormalize);
            Interlocked.Increment(ref batchesCollated);
            return new BatchResult(batch, null, skipped);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new BatchResult(null, e, skipped);
        }
        finally
        {
            foreach (var sample in samples)
            {
                sample.Dispose();
            }
        }
    }

    private DataSample LoadSample(int index, int epoch)
    {
        // Frees the transforms' temporaries per sample; the sample detaches the image it keeps.
        using var scope = torch.NewDisposeScope();
        DataSample? sample = null;
        try
        {
            sample = Dataset.Get(index);
            var rng = CreateSampleRandom(Options.Seed, epoch, index);
            foreach (var transform in sampleTransforms)
            {
                var next = transform.Apply(sample, rng);
                if (!ReferenceEquals(next, sample))
                {
                    sample.Dispose();
                    sample = next;
                }
            }
            if (batchNormalize is not null && !CollateCanNormalize(sample.Image))
            {
                // Normalize rejects this image; running it here raises its error for this sample.
                sample = batchNormalize.Apply(sample, rng);
            }
            return sample;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var source = sample?.Source ?? $"{Dataset.GetType().Name}[{index}]";
            sample?.Dispose();
            throw new SampleLoadException(index, source, e);
        }
    }

    private bool CollateCanNormalize(Tensor image) =>
        image.dtype == ScalarType.Byte && image.dim() == 3 && image.shape[2] == batchNormalize!.Mean.Count;

    /// <summary>Frees a loaded batch that no consumer will take.</summary>
    internal void Discard(BatchResult result)
    {
        if (result.Batch is not null)
        {
            Interlocked.Increment(ref batchesDiscarded);
        }
        result.Dispose();
    }

    /// <summary>
    /// Stops the workers (waiting for each to finish the sample in hand) and frees every batch loaded but not
    /// taken. A consumer still enumerating gets an <see cref="ObjectDisposedException"/>. Batches already taken
    /// stay valid: they belong to the consumer.
    /// </summary>
    public void Dispose()
    {
        EpochRun? run;
        WorkerPool? pool;
        lock (gate)
        {
            if (disposed)
            {
                return;
            }
            disposed = true;
            run = activeRun;
            pool = persistentPool;
            activeRun = null;
            persistentPool = null;
        }
        run?.Stop(new ObjectDisposedException(nameof(DataLoader), "The DataLoader was disposed while an epoch was being enumerated."));
        pool?.Dispose();
    }
}
