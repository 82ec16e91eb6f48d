using Microsoft.Extensions.Configuration;

namespace Vision.Engine.Checkpoints;

/// <summary>
/// When and what the <see cref="Hooks.CheckpointHook"/> saves (MMEngine's <c>CheckpointHook</c> arguments, plus
/// mid-epoch recovery checkpoints and the checkpoint written when training is interrupted).
/// </summary>
public sealed class CheckpointOptions
{
    /// <summary>
    /// Save every <c>interval</c> epochs (or iterations, see <see cref="ByEpoch"/>); 0 turns periodic checkpoints off.
    /// Default 1. An iteration-based configuration that sets it must say its unit with <see cref="ByEpoch"/>.
    /// </summary>
    [ConfigurationKeyName("interval")]
    public int Interval { get; set; } = 1;

    /// <summary>Count <see cref="Interval"/> in epochs (true) or iterations (false) (<c>by_epoch</c>, as MMEngine's CheckpointHook); null follows the loop (epoch- or iteration-based).</summary>
    [ConfigurationKeyName("by_epoch")]
    public bool? ByEpoch { get; set; }

    /// <summary>
    /// How many periodic checkpoints to keep, the newest (<c>max_keep_ckpts</c>); -1 keeps all. Default 2, so a long run
    /// holds two periodic checkpoints plus the best one (a ResNet-18 checkpoint with AdamW state is about 134 MB: weights
    /// 45 MB and two moment buffers of the same size; the best one keeps the weights only).
    /// </summary>
    [ConfigurationKeyName("max_keep_ckpts")]
    public int MaxKeepCkpts { get; set; } = 2;

    /// <summary>
    /// Keep the checkpoint with the best validation metric (<c>save_best</c>): a metric name such as
    /// <c>"accuracy/top1"</c>, or <c>"auto"</c> for the first metric the evaluators report; null = off.
    /// </summary>
    [ConfigurationKeyName("save_best")]
    public string? SaveBest { get; set; }

    /// <summary>Whether a larger (<c>"greater"</c>) or smaller (<c>"less"</c>) <see cref="SaveBest"/> metric is better (<c>rule</c>); null infers it from the name.</summary>
    [ConfigurationKeyName("rule")]
    public string? Rule { get; set; }

    /// <summary>Save at the end of training even when it does not fall on the interval (<c>save_last</c>). Default true.</summary>
    [ConfigurationKeyName("save_last")]
    public bool SaveLast { get; set; } = true;

    /// <summary>
    /// Write a recovery checkpoint every this many iterations, mid-epoch included, keeping the last two
    /// (<c>recovery_interval</c>); resuming from one skips the batches the epoch already consumed. 0 = off.
    /// </summary>
    [ConfigurationKeyName("recovery_interval")]
    public int RecoveryInterval { get; set; }

    /// <summary>
    /// Write a checkpoint when training stops on an exception or an interruption (Ctrl-C, cancellation)
    /// (<c>save_on_interrupt</c>). A non-finite loss never writes one: the last good checkpoint stays the latest. Default true.
    /// </summary>
    [ConfigurationKeyName("save_on_interrupt")]
    public bool SaveOnInterrupt { get; set; } = true;
}
