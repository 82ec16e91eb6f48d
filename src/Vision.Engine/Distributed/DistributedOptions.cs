using System.Globalization;
using Vision.Engine.Configuration;

namespace Vision.Engine.Distributed;

/// <summary>
/// How a trainer runs across processes (MMEngine's <c>launcher</c>, <c>sync_bn</c>, <c>model_wrapper_cfg</c> and
/// <c>env_cfg.dist_cfg</c>). Give them with <see cref="Training.TrainerBuilder.WithDistributed"/> or the top-level config
/// keys <see cref="FromConfig"/> reads; without any, a process started with the torchrun environment trains
/// data-parallel and any other trains alone.
/// </summary>
public sealed class DistributedOptions
{
    /// <summary>Launcher value: data-parallel when the torchrun environment says there are several ranks, else alone.</summary>
    public const string Auto = "auto";

    /// <summary>Launcher value: one process, whatever the environment says (MMEngine's <c>"none"</c>).</summary>
    public const string None = "none";

    /// <summary>Launcher value: join the c10d group the torchrun environment describes, and fail if there is none.</summary>
    public const string PyTorch = "pytorch";

    /// <summary><see cref="Auto"/> (default), <see cref="None"/> or <see cref="PyTorch"/>.</summary>
    public string Launcher { get; set; } = Auto;

    /// <summary>Synchronise BatchNorm statistics over all ranks (SyncBatchNorm; MMEngine's <c>sync_bn = "torch"</c>).</summary>
    public bool SyncBatchNorm { get; set; }

    /// <summary>DistributedDataParallel's <c>find_unused_parameters</c>, for models where some parameters get no gradient.</summary>
    public bool FindUnusedParameters { get; set; }

    /// <summary>How long a collective (or joining the group) waits for the other ranks before failing; PyTorch's 30 minutes by default.</summary>
    public TimeSpan Timeout { get; set; } = torch.distributed.DefaultTimeout;

    /// <summary>
    /// Reads the top-level keys MMEngine uses: <c>launcher</c> ("none", "pytorch", or "auto"), <c>sync_bn</c>
    /// ("torch", true or false), <c>model_wrapper_cfg.find_unused_parameters</c> and <c>env_cfg.dist_cfg.timeout</c>
    /// (seconds).
    /// </summary>
    /// <exception cref="ConfigException">A value is not one of those; the message names its key.</exception>
    public static DistributedOptions FromConfig(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var options = new DistributedOptions();
        var settings = config.Configuration;
        if (settings["launcher"] is { } launcher)
        {
            options.Launcher = launcher.ToLowerInvariant() is Auto or None or PyTorch ? launcher.ToLowerInvariant()
                : throw new ConfigException("launcher", $"'{launcher}' is not a launcher: use \"none\" (one process), \"pytorch\" (the torchrun environment) or \"auto\".");
        }
        if (settings["sync_bn"] is { } syncBn)
        {
            options.SyncBatchNorm = syncBn.ToLowerInvariant() switch
            {
                "torch" or "true" => true,
                "false" or "none" or "" => false,
                _ => throw new ConfigException("sync_bn", $"'{syncBn}' is not a SyncBatchNorm type: use \"torch\" (or true/false)."),
            };
        }
        options.FindUnusedParameters = ComponentBuilder.Value(settings.GetSection("model_wrapper_cfg"), "find_unused_parameters", false);
        var timeout = settings.GetSection("env_cfg:dist_cfg");
        if (ComponentBuilder.Value<double?>(timeout, "timeout", null) is { } seconds)
        {
            options.Timeout = seconds > 0
                ? TimeSpan.FromSeconds(seconds)
                : throw new ConfigException(timeout.Path + ":timeout", $"{seconds.ToString(CultureInfo.InvariantCulture)} is not a positive number of seconds.");
        }
        return options;
    }
}
