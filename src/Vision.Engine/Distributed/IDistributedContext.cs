using Vision.Distributed;

namespace Vision.Engine.Distributed;

/// <summary>
/// Which process of a distributed run this is. The trainer and its hooks ask it before every side effect (files,
/// console output, checkpoints) so that only the main process writes, and one code path serves 1 or N processes.
/// The single-process default is <see cref="SingleProcessContext"/>; <see cref="ProcessGroupContext"/> is the c10d one
/// (chosen by <see cref="DistributedLauncher"/> from the torchrun environment or <see cref="DistributedOptions.Launcher"/>).
/// </summary>
public interface IDistributedContext
{
    /// <summary>This process's rank, 0 … <see cref="WorldSize"/> - 1.</summary>
    int Rank { get; }

    /// <summary>The number of processes.</summary>
    int WorldSize { get; }

    /// <summary>
    /// The c10d group the trainer's collectives (DistributedDataParallel, SyncBatchNorm, gathering evaluation results)
    /// run over; null selects the default group (<c>torch.distributed.init_process_group</c>'s). Unused with one process.
    /// </summary>
    ProcessGroup? Group { get; }

    /// <summary>Whether this is rank 0, the process that writes files.</summary>
    bool IsMainProcess => Rank == 0;

    /// <summary>Waits until every process has reached this point (e.g. until rank 0 finished writing a checkpoint).</summary>
    void Barrier();
}
