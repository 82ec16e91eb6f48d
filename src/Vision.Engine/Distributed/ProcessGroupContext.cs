using Vision.Distributed;

namespace Vision.Engine.Distributed;

/// <summary>
/// A rank of a c10d process group: rank and world size come from the group, and barriers are c10d barriers (so a
/// rank that died makes the others fail within the group's timeout instead of waiting forever).
/// </summary>
public sealed class ProcessGroupContext : IDistributedContext
{
    /// <summary>Uses <paramref name="group"/>, or the default group when null (it must be initialised).</summary>
    /// <param name="group">The group; null for the default one.</param>
    /// <param name="localRank">This process's rank on its node (LOCAL_RANK), e.g. to pick its GPU.</param>
    /// <exception cref="InvalidOperationException">No group was given and the default group is not initialised.</exception>
    public ProcessGroupContext(ProcessGroup? group = null, int localRank = 0)
    {
        if (group is null && !torch.distributed.is_initialized())
        {
            throw new InvalidOperationException("ProcessGroupContext needs a process group: call torch.distributed.init_process_group first or pass one.");
        }
        Group = group;
        Rank = torch.distributed.get_rank(group);
        WorldSize = torch.distributed.get_world_size(group);
        LocalRank = localRank;
    }

    /// <inheritdoc/>
    public int Rank { get; }

    /// <inheritdoc/>
    public int WorldSize { get; }

    /// <summary>This process's rank on its node.</summary>
    public int LocalRank { get; }

    /// <inheritdoc/>
    public ProcessGroup? Group { get; }

    /// <inheritdoc/>
    public void Barrier() => torch.distributed.barrier(Group);
}
