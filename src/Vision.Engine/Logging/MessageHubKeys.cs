namespace Vision.Engine.Logging;

/// <summary>
/// The keys under which the Engine's own components leave scalars in the <see cref="MessageHub"/>, so writers and
/// readers cannot drift apart by a typo. Scalars are "{mode}/{name}"; evaluator metrics are "val/{metric}".
/// </summary>
public static class MessageHubKeys
{
    /// <summary>The prefix of training scalars.</summary>
    public const string TrainPrefix = "train/";

    /// <summary>The training loss of each iteration (the optimizer wrapper).</summary>
    public const string TrainLoss = TrainPrefix + "loss";

    /// <summary>Parameter group 0's learning rate after each iteration (the optimizer wrapper).</summary>
    public const string TrainLr = TrainPrefix + "lr";

    /// <summary>The gradient norm before clipping, when clipping by norm (the optimizer wrapper).</summary>
    public const string TrainGradNorm = TrainPrefix + "grad_norm";

    /// <summary>The AMP loss scale (the optimizer wrapper, float16 only).</summary>
    public const string TrainLossScale = TrainPrefix + "loss_scale";

    /// <summary>Seconds spent waiting for each batch (<see cref="Hooks.IterTimerHook"/>).</summary>
    public const string TrainDataTime = TrainPrefix + "data_time";

    /// <summary>Seconds per whole iteration (<see cref="Hooks.IterTimerHook"/>).</summary>
    public const string TrainTime = TrainPrefix + "time";

    /// <summary>Images per second (<see cref="Hooks.IterTimerHook"/>).</summary>
    public const string TrainThroughput = TrainPrefix + "throughput";

    /// <summary>The training scalar <paramref name="name"/> ("loss" → "train/loss").</summary>
    public static string Train(string name) => TrainPrefix + name;
}
