using System.Collections.Concurrent;

namespace Vision.Data.Loading;

/// <summary>
/// One epoch's enumeration with worker threads. Worker w loads batches w, w + W, w + 2W, … into its own queue of
/// prefetch_factor slots and the consumer takes batch b from queue b mod W, so batches arrive in plan order
/// whatever the timing, and at most W · prefetch_factor batches wait at any time.
/// </summary>
internal sealed class EpochRun
{
    private readonly DataLoader loader;
    private readonly int epoch;
    private readonly int[][] plan;
    private readonly BlockingCollection<BatchResult>[] outputs;
    private readonly CancellationTokenSource cancel = new();
    private readonly CountdownEvent working;
    private Exception? reason;
    private int stopped;

    public EpochRun(DataLoader loader, int epoch, int[][] plan, int workers, int prefetchFactor, WorkerPool? ownedPool)
    {
        this.loader = loader;
        this.epoch = epoch;
        this.plan = plan;
        outputs = new BlockingCollection<BatchResult>[workers];
        for (var w = 0; w < workers; w++)
        {
            outputs[w] = new BlockingCollection<BatchResult>(prefetchFactor);
        }
        working = new CountdownEvent(workers);
        OwnedPool = ownedPool;
    }

    /// <summary>The pool started for this epoch alone (without persistent workers); stopping the run ends it.</summary>
    public WorkerPool? OwnedPool { get; }

    /// <summary>Runs on worker thread <paramref name="worker"/>: loads its batches until done or stopped.</summary>
    public void Work(int worker)
    {
        try
        {
            for (var b = worker; b < plan.Length; b += outputs.Length)
            {
                var result = loader.LoadBatch(plan[b], epoch, cancel.Token);
                try
                {
                    outputs[worker].Add(result, cancel.Token);
                }
                catch (OperationCanceledException)
                {
                    loader.Discard(result);
                    throw;
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // Stopped: the consumer broke off, the loader was disposed or a newer epoch started.
        }
        catch (Exception e)
        {
            // LoadBatch turns sample and collate errors into results, so this is a fault of the loader itself;
            // pass it to the consumer rather than leaving it waiting for a batch that will never come.
            Cancel(e);
        }
        finally
        {
            working.Signal();
        }
    }

    /// <summary>Waits for batch <paramref name="index"/> of the plan; throws why the run stopped if it did.</summary>
    public BatchResult Take(int index)
    {
        try
        {
            return outputs[index % outputs.Length].Take(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw reason ?? new InvalidOperationException("This epoch's enumeration was stopped.");
        }
    }

    /// <summary>Asks the workers to stop; <paramref name="why"/> (the first one given) is what a waiting consumer gets.</summary>
    private void Cancel(Exception? why)
    {
        if (why is not null)
        {
            Interlocked.CompareExchange(ref reason, why, null);
        }
        cancel.Cancel();
    }

    /// <summary>
    /// Stops the workers, waits until none is inside this run, frees every batch nobody took and ends an owned
    /// pool. Safe to call from several threads; only the first call does the work.
    /// </summary>
    public void Stop(Exception? why = null)
    {
        Cancel(why);
        if (Interlocked.Exchange(ref stopped, 1) == 1)
        {
            return;
        }
        working.Wait();
        foreach (var queue in outputs)
        {
            while (queue.TryTake(out var result))
            {
                loader.Discard(result);
            }
        }
        OwnedPool?.Dispose();
    }
}
