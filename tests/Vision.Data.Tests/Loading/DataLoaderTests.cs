using System.Diagnostics;
using Vision.Data.Loading;
using Vision.Data.Samplers;
using Vision.Data.Transforms;

namespace Vision.Data.Tests.Loading;

public sealed class DataLoaderTests
{
    private static List<Batch> Drain(IEnumerable<Batch> batches) => batches.ToList();

    private static void DisposeAll(IEnumerable<Batch> batches)
    {
        foreach (var b in batches)
        {
            b.Dispose();
        }
    }

    [Fact]
    public void CollatesHwcSamplesIntoContiguousNchwWithInt64Labels()
    {
        using var loader = new DataLoader(new SyntheticDataset(5), new DataLoaderOptions { BatchSize = 2 });
        var batches = Drain(loader.Epoch(0));
        try
        {
            Assert.Equal(new[] { 2, 2, 1 }, batches.Select(b => b.Count));
            var last = batches[2];
            Assert.Equal(new long[] { 1, 3, 4, 5 }, last.Images.shape);
            foreach (var batch in batches)
            {
                Assert.Equal(ScalarType.Byte, batch.Images.dtype);
                Assert.True(batch.Images.is_contiguous());
                Assert.Equal(ScalarType.Int64, batch.Targets.dtype);
                Assert.Equal(batch.Indices.Select(i => (long)i), batch.Targets.data<long>());
                var values = batch.Images.data<byte>();
                for (var n = 0; n < batch.Count; n++)
                {
                    for (var c = 0; c < 3; c++)
                    {
                        for (var y = 0; y < 4; y++)
                        {
                            for (var x = 0; x < 5; x++)
                            {
                                Assert.Equal(SyntheticDataset.Pixel(batch.Indices[n], y, x, c), values[((n * 3 + c) * 4 + y) * 5 + x]);
                            }
                        }
                    }
                }
            }
            Assert.Equal(new[] { 0, 1, 2, 3, 4 }, batches.SelectMany(b => b.Indices));
        }
        finally
        {
            DisposeAll(batches);
        }
    }

    [Fact]
    public void WithSamplerKeepsTheSettingsAndVisitsTheSamplersShare()
    {
        using var shuffled = new DataLoader(new SyntheticDataset(7), new DataLoaderOptions { BatchSize = 2, Shuffle = true, Seed = 3, DropLast = true });
        // Rank 1 of 2 of the shuffled order: PyTorch's DistributedSampler pads 7 to 8 and takes every second index.
        var share = new DistributedSampler(7, num_replicas: 2, rank: 1, shuffle: true, seed: 3);
        using var sharded = shuffled.WithSampler(share);
        Assert.Equal(shuffled.Options with { Shuffle = false }, sharded.Options);
        Assert.Same(share, sharded.Sampler);
        Assert.Equal(2, sharded.Count);
        var batches = Drain(sharded.Epoch(0));
        try
        {
            var order = shuffled.Sampler.GetIndices();
            Assert.Equal(new[] { order[1], order[3], order[5], order[0] }, batches.SelectMany(b => b.Indices));
        }
        finally
        {
            DisposeAll(batches);
        }
    }

    [Fact]
    public void FloatChwSamplesCollateToFloatNchw()
    {
        using var loader = new DataLoader(new SyntheticDataset(3), new DataLoaderOptions { BatchSize = 3 }, [new ToFloatChw()]);
        using var batch = loader.Epoch(0).Single();
        Assert.Equal(ScalarType.Float32, batch.Images.dtype);
        Assert.Equal(new long[] { 3, 3, 4, 5 }, batch.Images.shape);
        using var pixel = batch.Images[2, 1, 3, 4];
        Assert.Equal(SyntheticDataset.Pixel(2, 3, 4, 1), pixel.item<float>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AFinalNormalizeRunsInTheCollateWithTheValuesOfPerSampleNormalize(bool toRgb)
    {
        var normalize = new Normalize([123.675, 116.28, 103.53], [58.395, 57.12, 57.375], toRgb);
        using var loader = new DataLoader(new SyntheticDataset(5, height: 6, width: 7), new DataLoaderOptions { BatchSize = 5 },
            [new RandomFlip(0.5), normalize]);
        using var batch = loader.Epoch(1).Single();
        // Per sample, as the pipeline reads: flip with the sample's own random draws, then Normalize.
        var flip = new RandomFlip(0.5);
        var expected = Enumerable.Range(0, 5).Select(i =>
        {
            using var sample = new SyntheticDataset(5, height: 6, width: 7).Get(i);
            flip.Apply(sample, DataLoader.CreateSampleRandom(0, 1, i));
            normalize.Apply(sample, new Random(0));
            return sample.Image.clone();
        }).ToArray();
        using var stacked = torch.stack(expected);
        Assert.Equal(ScalarType.Float32, batch.Images.dtype);
        Assert.True(stacked.equal(batch.Images), "the collated batch differs from per-sample Normalize");
        foreach (var e in expected)
        {
            e.Dispose();
        }
    }

    [Fact]
    public void AFinalNormalizeStillRejectsASampleItCannotTakeNamingIt()
    {
        // Four mean/std values for three-channel images: Normalize's error, for the first sample, as before.
        using var loader = new DataLoader(new SyntheticDataset(3), new DataLoaderOptions { BatchSize = 3 },
            [new Normalize([1, 2, 3, 4], [1, 1, 1, 1])]);
        var e = Assert.Throws<SampleLoadException>(() => DisposeAll(loader.Epoch(0).ToList()));
        Assert.Equal(0, e.Index);
        Assert.Contains("4 mean/stdev values for a 3-channel image", e.InnerException!.Message);
    }

    [Fact]
    public void AnyWorkerCountGivesBitwiseIdenticalBatches()
    {
        byte[][] Run(int workers)
        {
            using var loader = new DataLoader(new SyntheticDataset(23),
                new DataLoaderOptions { BatchSize = 4, Shuffle = true, Seed = 7, NumWorkers = workers, PrefetchFactor = 1 }, [new StampTransform()]);
            var batches = Drain(loader.Epoch(2));
            try
            {
                Assert.Equal(6, batches.Count);
                foreach (var batch in batches)
                {
                    // The stamp is the first draw of the sample's own source, seeded from (seed, epoch, index).
                    var stamps = batch.Images.data<byte>().Chunk(3 * 4 * 5).Select(image => image[0]).ToArray();
                    Assert.Equal(batch.Indices.Select(i => (byte)DataLoader.CreateSampleRandom(7, 2, i).Next(256)), stamps);
                }
                return batches.Select(b => b.Images.data<byte>().Concat(b.Indices.Select(i => (byte)i)).ToArray()).ToArray();
            }
            finally
            {
                DisposeAll(batches);
            }
        }

        var inline = Run(0);
        Assert.Equal(inline, Run(1));
        Assert.Equal(inline, Run(3));
    }

    [Fact]
    public void SampleRandomDependsOnSeedEpochAndIndex()
    {
        var draws = new List<long>();
        foreach (var seed in new long[] { 0, 1, -5 })
        {
            for (var epoch = 0; epoch < 3; epoch++)
            {
                for (var index = 0; index < 50; index++)
                {
                    draws.Add(DataLoader.CreateSampleRandom(seed, epoch, index).NextInt64());
                }
            }
        }
        Assert.Equal(draws.Count, draws.Distinct().Count());
        Assert.Equal(DataLoader.CreateSampleRandom(3, 4, 5).NextInt64(), DataLoader.CreateSampleRandom(3, 4, 5).NextInt64());
    }

    [Theory]
    [InlineData(false, new[] { 4, 4, 2 })]
    [InlineData(true, new[] { 4, 4 })]
    public void DropLastDecidesThePartialBatch(bool dropLast, int[] sizes)
    {
        using var loader = new DataLoader(new SyntheticDataset(10), new DataLoaderOptions { BatchSize = 4, DropLast = dropLast, NumWorkers = 2 });
        Assert.Equal(sizes.Length, loader.Count);
        var batches = Drain(loader.Epoch(0));
        Assert.Equal(sizes, batches.Select(b => b.Count));
        Assert.Equal(sizes, batches.Select(b => (int)b.Images.size(0)));
        DisposeAll(batches);
    }

    [Fact]
    public void ShuffleReordersPerEpochAndRepeatsAnEpoch()
    {
        using var loader = new DataLoader(new SyntheticDataset(30), new DataLoaderOptions { BatchSize = 8, Shuffle = true, NumWorkers = 1 });
        int[] Order(int epoch)
        {
            var batches = Drain(loader.Epoch(epoch));
            DisposeAll(batches);
            return batches.SelectMany(b => b.Indices).ToArray();
        }
        var e0 = Order(0);
        var e1 = Order(1);
        Assert.Equal(Enumerable.Range(0, 30), e0.Order());
        Assert.Equal(Enumerable.Range(0, 30), e1.Order());
        Assert.NotEqual(e0, e1);
        Assert.Equal(e0, Order(0));
        // SetEpoch + plain enumeration (the DistSamplerSeed hook's path) is the same epoch.
        loader.SetEpoch(1);
        var viaSetEpoch = Drain(loader);
        DisposeAll(viaSetEpoch);
        Assert.Equal(e1, viaSetEpoch.SelectMany(b => b.Indices));
        // The sampler order is the loader order.
        var sampler = new RandomSampler(30);
        sampler.SetEpoch(1);
        Assert.Equal(sampler.GetIndices(), e1);
    }

    [Fact]
    public void PersistentWorkersSurviveEpochsAndEndOnDispose()
    {
        var loader = new DataLoader(new SyntheticDataset(12), new DataLoaderOptions { BatchSize = 3, NumWorkers = 2, PersistentWorkers = true });
        IReadOnlyList<Thread> threads;
        using (var e = loader.Epoch(0).GetEnumerator())
        {
            Assert.True(e.MoveNext());
            e.Current.Dispose();
            threads = loader.WorkerThreads;
        }
        Assert.Equal(2, threads.Count);
        Assert.All(threads, t => Assert.True(t.IsAlive));
        var second = Drain(loader.Epoch(1));
        Assert.Equal(Enumerable.Range(0, 12), second.SelectMany(b => b.Indices));
        DisposeAll(second);
        Assert.Same(threads, loader.WorkerThreads);
        loader.Dispose();
        Assert.All(threads, t => Assert.False(t.IsAlive));
    }

    [Fact]
    public void WorkersOfOneEpochEndWithIt()
    {
        using var loader = new DataLoader(new SyntheticDataset(12), new DataLoaderOptions { BatchSize = 3, NumWorkers = 3 });
        IReadOnlyList<Thread> threads = [];
        foreach (var batch in loader.Epoch(0))
        {
            batch.Dispose();
            if (threads.Count == 0)
            {
                threads = loader.WorkerThreads;
            }
        }
        Assert.Equal(3, threads.Count);
        Assert.All(threads, t => Assert.False(t.IsAlive));
        Assert.Empty(loader.WorkerThreads);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void WorkerExceptionNamesTheSampleAndKeepsTheCause(int workers)
    {
        using var loader = new DataLoader(new SyntheticDataset(12, bad: [5]), new DataLoaderOptions { BatchSize = 2, NumWorkers = workers });
        var received = new List<int>();
        var e = Assert.Throws<SampleLoadException>(() =>
        {
            foreach (var batch in loader.Epoch(0))
            {
                received.AddRange(batch.Indices);
                batch.Dispose();
            }
        });
        Assert.Equal(new[] { 0, 1, 2, 3 }, received);
        Assert.Equal(5, e.Index);
        Assert.Contains("sample 5", e.Message);
        Assert.Contains("SyntheticDataset[5]", e.Message);
        var inner = Assert.IsType<InvalidDataException>(e.InnerException);
        Assert.Equal("corrupt image data at index 5", inner.Message);
        Assert.Contains(inner.Message, e.Message);
    }

    [Fact]
    public void TransformExceptionNamesTheSampleSource()
    {
        using var loader = new DataLoader(new SyntheticDataset(12), new DataLoaderOptions { BatchSize = 4, NumWorkers = 2 }, [new FailingTransform(7)]);
        var e = Assert.Throws<SampleLoadException>(() => DisposeAll(loader.Epoch(0).ToList()));
        Assert.Equal(7, e.Index);
        Assert.Equal("mem://7", e.SampleSource);
        Assert.Contains("mem://7", e.Message);
        Assert.IsType<FormatException>(e.InnerException);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void SkipBadSamplesDropsCountsAndReportsThem(int workers)
    {
        using var loader = new DataLoader(new SyntheticDataset(10, bad: [2, 7]),
            new DataLoaderOptions { BatchSize = 4, NumWorkers = workers, SkipBadSamples = true });
        var reports = new List<SkippedSamplesEventArgs>();
        loader.SamplesSkipped += (_, args) => reports.Add(args);
        var batches = Drain(loader.Epoch(3));
        DisposeAll(batches);
        Assert.Equal(new[] { new[] { 0, 1, 3 }, new[] { 4, 5, 6 }, new[] { 8, 9 } }, batches.Select(b => b.Indices.ToArray()));
        Assert.Equal(new[] { 2, 7 }, loader.SkippedSamples.Select(s => s.Index));
        var report = Assert.Single(reports);
        Assert.Equal(3, report.Epoch);
        Assert.Equal(2, report.Count);
    }

    [Fact]
    public void EarlyBreakStopsWorkersQuicklyAndFreesPrefetchedBatches()
    {
        // 2,000 samples of 5 ms each: finishing the epoch would take seconds; stopping must not.
        using var loader = new DataLoader(new SyntheticDataset(2000, delayMs: 5), new DataLoaderOptions { BatchSize = 2, NumWorkers = 3, PrefetchFactor = 2 });
        IReadOnlyList<Thread> threads = [];
        var stopwatch = new Stopwatch();
        foreach (var batch in loader.Epoch(0))
        {
            batch.Dispose();
            threads = loader.WorkerThreads;
            Thread.Sleep(200); // let the workers fill their queues
            stopwatch.Start();
            break;
        }
        stopwatch.Stop();
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"stopping took {stopwatch.Elapsed}");
        Assert.Equal(3, threads.Count);
        Assert.All(threads, t => Assert.False(t.IsAlive));
        Assert.True(loader.BatchesDiscarded > 0);
        Assert.Equal(loader.BatchesCollated, 1 + loader.BatchesDiscarded);
    }

    [Fact]
    public void DisposeWhileTheConsumerWaitsEndsTheEnumerationWithoutHanging()
    {
        var loader = new DataLoader(new SyntheticDataset(100, delayMs: 300), new DataLoaderOptions { BatchSize = 1, NumWorkers = 1 });
        var e = loader.Epoch(0).GetEnumerator();
        Assert.True(e.MoveNext());
        var taken = e.Current;
        var threads = loader.WorkerThreads;
        var stopwatch = Stopwatch.StartNew();
        var disposer = new Thread(() =>
        {
            Thread.Sleep(50);
            loader.Dispose();
        });
        disposer.Start();
        Assert.Throws<ObjectDisposedException>(() => e.MoveNext());
        disposer.Join();
        e.Dispose();
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"took {stopwatch.Elapsed}");
        Assert.All(threads, t => Assert.False(t.IsAlive));
        // A batch the consumer took is the consumer's: still usable after the loader is gone.
        Assert.False(taken.Images.IsDisposed);
        Assert.Equal(0L, taken.Targets.data<long>()[0]);
        taken.Dispose();
        Assert.Throws<ObjectDisposedException>(() => loader.Epoch(1).GetEnumerator().MoveNext());
    }

    [Fact]
    public void NewEnumerationStopsTheAbandonedOne()
    {
        using var loader = new DataLoader(new SyntheticDataset(20), new DataLoaderOptions { BatchSize = 2, NumWorkers = 2 });
        var abandoned = loader.Epoch(0).GetEnumerator();
        Assert.True(abandoned.MoveNext());
        abandoned.Current.Dispose();
        var full = Drain(loader.Epoch(1));
        Assert.Equal(10, full.Count);
        DisposeAll(full);
        var e = Assert.Throws<InvalidOperationException>(() => abandoned.MoveNext());
        Assert.Contains("newer enumeration", e.Message);
        abandoned.Dispose();
    }

    [Fact]
    public void MismatchedImageShapesNameBothSamples()
    {
        using var loader = new DataLoader(new SyntheticDataset(4, heightOf: i => i == 3 ? 6 : 4), new DataLoaderOptions { BatchSize = 4 });
        var e = Assert.Throws<InvalidDataException>(() => DisposeAll(loader.Epoch(0).ToList()));
        Assert.Contains("sample 3 (mem://3)", e.Message);
        Assert.Contains("[6, 5, 3]", e.Message);
        Assert.Contains("sample 0", e.Message);
    }

    [Fact]
    public void PinMemoryPinsOnlyWhenCudaIsAvailable()
    {
        using var loader = new DataLoader(new SyntheticDataset(4), new DataLoaderOptions { BatchSize = 4, PinMemory = true, NumWorkers = 1 });
        using var batch = loader.Epoch(0).Single();
        Assert.Equal(torch.cuda.is_available(), batch.Images.is_pinned());
        Assert.Equal(torch.cuda.is_available(), batch.Targets.is_pinned());
        Assert.Equal(SyntheticDataset.Pixel(3, 0, 0, 0), batch.Images.data<byte>()[3 * 60]);
    }

    [Fact]
    public void CountFollowsTheSampler()
    {
        var sampler = new DistributedSampler(10, 3, 2, shuffle: false);
        using var loader = new DataLoader(new SyntheticDataset(10), new DataLoaderOptions { BatchSize = 3 }, sampler: sampler);
        Assert.Equal(2, loader.Count);
        var batches = Drain(loader);
        DisposeAll(batches);
        Assert.Equal(new[] { 2, 5, 8, 1 }, batches.SelectMany(b => b.Indices));
    }

    [Fact]
    public void SamplerIndexOutsideTheDatasetIsNamed()
    {
        using var loader = new DataLoader(new SyntheticDataset(5), sampler: new SequentialSampler(6));
        var e = Assert.Throws<InvalidOperationException>(() => loader.Epoch(0).GetEnumerator().MoveNext());
        Assert.Contains("SequentialSampler produced index 5", e.Message);
    }
    [Fact]
    public void WorkersRunTheirOpsOnOneIntraOpThread()
    {
        var original = torch.get_num_threads();
        try
        {
            torch.set_num_threads(2);
            var seen = new ThreadCountRecorder();
            using var loader = new DataLoader(new SyntheticDataset(8), new DataLoaderOptions { BatchSize = 2, NumWorkers = 2 }, [seen]);
            DisposeAll(Drain(loader.Epoch(0)));
            Assert.Equal(8, seen.Counts.Count);
            Assert.All(seen.Counts, count => Assert.Equal(1, count));
            Assert.Equal(2, torch.get_num_threads());
        }
        finally
        {
            torch.set_num_threads(original);
        }
    }

    private sealed class ThreadCountRecorder : ITransform
    {
        public System.Collections.Concurrent.ConcurrentBag<int> Counts { get; } = [];

        public DataSample Apply(DataSample sample, Random rng)
        {
            Counts.Add(torch.get_num_threads());
            return sample;
        }
    }
}
