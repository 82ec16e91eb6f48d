namespace Vision.Engine.Distributed;

/// <summary>
/// Decides, once per trainer, whether this process trains alone or as a rank of a c10d group (MMEngine's
/// <c>init_dist</c>): the <see cref="DistributedOptions.Launcher"/> and the <see cref="TorchrunEnvironment"/> choose,
/// and the default process group is joined through the Gloo backend. The group lives as long as the process, so
/// later trainers of the same process (a test after a fit) use it again.
/// </summary>
public static class DistributedLauncher
{
    /// <summary>Returns this process's context, joining the default process group when the run is distributed.</summary>
    /// <exception cref="ArgumentException">The launcher is unknown, or the torchrun environment is incomplete (the message names the variable).</exception>
    /// <exception cref="InvalidOperationException">Launcher "pytorch" without the torchrun environment.</exception>
    public static IDistributedContext CreateContext(DistributedOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        switch (options.Launcher)
        {
            case DistributedOptions.None:
                return new SingleProcessContext();
            case DistributedOptions.Auto or DistributedOptions.PyTorch:
                break;
            default:
                throw new ArgumentException($"Unknown launcher '{options.Launcher}': use \"none\", \"pytorch\" or \"auto\".", nameof(options));
        }
        var environment = TorchrunEnvironment.Detect();
        if (torch.distributed.is_initialized())
        {
            return new ProcessGroupContext(localRank: environment?.LocalRank ?? 0);
        }
        if (environment is null)
        {
            return options.Launcher == DistributedOptions.PyTorch
                ? throw new InvalidOperationException(
                    "launcher \"pytorch\" needs the torchrun environment (MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE): start the ranks with " +
                    "'vision launch --nproc-per-node N -- …', torchrun, srun or a Kubernetes PyTorchJob.")
                : new SingleProcessContext();
        }
        if (environment.WorldSize == 1 && options.Launcher == DistributedOptions.Auto)
        {
            return new SingleProcessContext();
        }
        torch.distributed.init_process_group("gloo", environment.InitMethod, environment.Rank, environment.WorldSize, options.Timeout);
        return new ProcessGroupContext(localRank: environment.LocalRank);
    }
}
