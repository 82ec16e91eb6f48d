using System.Collections.Concurrent;
using Vision.Threading;

namespace Vision.Data.Loading;

/// <summary>
/// The loader's worker threads. Each waits for epoch runs on its own queue and does its share of each; the pool
/// lives for one epoch or, with persistent_workers, as long as the loader.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    private readonly BlockingCollection<EpochRun>[] jobs;
    private readonly Thread[] threads;
    private int disposed;

    public WorkerPool(int count)
    {
        jobs = new BlockingCollection<EpochRun>[count];
        threads = new Thread[count];
        for (var w = 0; w < count; w++)
        {
            var worker = w;
            jobs[w] = new BlockingCollection<EpochRun>();
            // Background threads: a loader that is never disposed must not keep the process alive.
            threads[w] = new Thread(() => Loop(worker)) { IsBackground = true, Name = $"DataLoader worker {w}" };
            threads[w].Start();
        }
    }

    public IReadOnlyList<Thread> Threads => threads;

    public void Start(EpochRun run)
    {
        foreach (var queue in jobs)
        {
            queue.Add(run);
        }
    }

    private void Loop(int worker)
    {
        // As in PyTorch's DataLoader workers: one intra-op thread each, so decoding and collating do not compete
        // with the training step for the cores.
        IntraOpThreads.LimitCurrentThread(1);
        foreach (var run in jobs[worker].GetConsumingEnumerable())
        {
            run.Work(worker);
        }
    }

    /// <summary>Lets the workers finish the runs already handed to them, then waits for the threads to end.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }
        foreach (var queue in jobs)
        {
            queue.CompleteAdding();
        }
        foreach (var thread in threads)
        {
            thread.Join();
        }
        foreach (var queue in jobs)
        {
            queue.Dispose();
        }
    }
}
