namespace Vision.Cli.Launch;

/// <summary>Where this node's ranks sit in the job (torchrun's arguments).</summary>
public sealed record LaunchOptions
{
    /// <summary>Processes started on this node.</summary>
    public int ProcessesPerNode { get; init; } = 1;

    /// <summary>Nodes in the job.</summary>
    public int Nodes { get; init; } = 1;

    /// <summary>This node's index, 0 … <see cref="Nodes"/> - 1; its ranks are NodeRank·ProcessesPerNode + local rank.</summary>
    public int NodeRank { get; init; }

    /// <summary>The address of the node that runs rank 0 (its TCPStore).</summary>
    public string MasterAddress { get; init; } = "127.0.0.1";

    /// <summary>The port of rank 0's TCPStore.</summary>
    public int MasterPort { get; init; } = 29500;

    /// <summary>How long the other ranks get to exit after SIGTERM, once one rank failed, before they are killed.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The number of ranks in the whole job.</summary>
    public int WorldSize => Nodes * ProcessesPerNode;
}
