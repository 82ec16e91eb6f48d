namespace Vision.Engine.Distributed;

/// <summary>
/// Which process of a distributed run this is. The trainer and its hooks ask it before every side effect (files,
/// console output, checkpoints) so that only the main process writes, and one code path serves 1 or N processes.
/// The single-process default is <see cref="SingleProcessContext"/>; a c10d-backed context replaces it for DDP.
/// </summary>
public interface IDistributedContext
{
    /// <summary>This process's rank, 0 … <see cref="WorldSize"/> - 1.</summary>
    int Rank { get; }

    /// <summary>The number of processes.</summary>
    int WorldSize { get; }

    /// <summary>Whether this is rank 0, the process that writes files.</summary>
    bool IsMainProcess => Rank == 0;

    /// <summary>Waits until every process has reached this point (e.g. until rank 0 finished writing a checkpoint).</summary>
    void Barrier();
}
