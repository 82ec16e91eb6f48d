using Vision.Distributed;

namespace Vision.Engine.Distributed;

/// <summary>The context of a run without distribution: rank 0 of 1, and barriers return at once.</summary>
public sealed class SingleProcessContext : IDistributedContext
{
    /// <inheritdoc/>
    public int Rank => 0;

    /// <inheritdoc/>
    public int WorldSize => 1;

    /// <inheritdoc/>
    public ProcessGroup? Group => null;

    /// <inheritdoc/>
    public void Barrier()
    {
        // One process is always in step with itself.
    }
}
