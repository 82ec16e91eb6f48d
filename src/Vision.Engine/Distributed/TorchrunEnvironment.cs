using System.Globalization;

namespace Vision.Engine.Distributed;

/// <summary>
/// The torchrun environment contract a rank is started with (by <c>vision launch</c>, torchrun, a Slurm script or a
/// Kubernetes operator): where rank 0's rendezvous store listens, this process's global and local rank, and how many
/// processes there are in all and on this node.
/// </summary>
/// <param name="MasterAddr">The host of rank 0's TCPStore (MASTER_ADDR).</param>
/// <param name="MasterPort">Its port (MASTER_PORT).</param>
/// <param name="Rank">This process's global rank (RANK).</param>
/// <param name="LocalRank">Its rank on this node (LOCAL_RANK; 0 when unset, one rank per node or pod).</param>
/// <param name="WorldSize">The number of processes (WORLD_SIZE).</param>
/// <param name="LocalWorldSize">Processes on this node (LOCAL_WORLD_SIZE; 1 when unset).</param>
public sealed record TorchrunEnvironment(string MasterAddr, int MasterPort, int Rank, int LocalRank, int WorldSize, int LocalWorldSize)
{
    /// <summary>
    /// Reads the contract from the environment (or <paramref name="variable"/>, for tests); null when <c>WORLD_SIZE</c>
    /// is not set, i.e. the process was not started as one rank of several.
    /// </summary>
    /// <exception cref="ArgumentException">A variable is missing or invalid; the message names it.</exception>
    public static TorchrunEnvironment? Detect(Func<string, string?>? variable = null)
    {
        variable ??= Environment.GetEnvironmentVariable;
        if (string.IsNullOrEmpty(variable("WORLD_SIZE")))
        {
            return null;
        }
        int Number(string name, int? fallback, int min, int max)
        {
            var text = variable(name);
            if (string.IsNullOrEmpty(text))
            {
                return fallback ?? throw new ArgumentException($"The torchrun environment sets WORLD_SIZE but not {name}; start the ranks with 'vision launch' or set {name}.");
            }
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
                ? value
                : throw new ArgumentException($"{name}='{text}' is not a whole number in [{min}, {max}].");
        }
        var worldSize = Number("WORLD_SIZE", null, 1, int.MaxValue);
        var localWorldSize = Number("LOCAL_WORLD_SIZE", 1, 1, worldSize);
        var address = variable("MASTER_ADDR");
        if (string.IsNullOrWhiteSpace(address))
        {
            throw new ArgumentException("The torchrun environment sets WORLD_SIZE but not MASTER_ADDR (the host of rank 0).");
        }
        return new TorchrunEnvironment(address, Number("MASTER_PORT", null, 1, 65535), Number("RANK", null, 0, worldSize - 1),
            Number("LOCAL_RANK", 0, 0, localWorldSize - 1), worldSize, localWorldSize);
    }

    /// <summary>The <c>init_method</c> of this contract: <c>tcp://MASTER_ADDR:MASTER_PORT</c>.</summary>
    public string InitMethod => $"tcp://{MasterAddr}:{MasterPort.ToString(CultureInfo.InvariantCulture)}";
}
