using System.Diagnostics;
using Vision.Data;
using Vision.Engine.Logging;
using Vision.Engine.Training;

namespace Vision.Engine.Hooks;

/// <summary>
/// Times the training iterations (MMEngine's <c>IterTimerHook</c>): records "train/data_time" (waiting for the batch),
/// "train/time" (the whole iteration) and "train/throughput" (images per second), and keeps the estimated time to
/// the end of training as the runtime info <see cref="EtaInfo"/> (a <see cref="TimeSpan"/>), averaged over the last
/// log interval.
/// </summary>
public sealed class IterTimerHook : Hook
{
    /// <summary>The <see cref="Logging.MessageHub"/> info key of the estimated remaining time.</summary>
    public const string EtaInfo = "eta";

    private readonly Stopwatch clock = Stopwatch.StartNew();
    private double last;

    /// <summary>Creates the hook (priority NORMAL).</summary>
    public IterTimerHook() : base(HookPriority.Normal)
    {
    }

    /// <inheritdoc/>
    public override void BeforeTrainEpoch(Trainer trainer) => last = clock.Elapsed.TotalSeconds;

    /// <inheritdoc/>
    public override void BeforeTrainIter(Trainer trainer, int batchIndex, Batch batch) =>
        trainer.Logs.UpdateScalar(MessageHubKeys.TrainDataTime, clock.Elapsed.TotalSeconds - last);

    /// <inheritdoc/>
    public override void AfterTrainIter(Trainer trainer, int batchIndex, Batch batch, TrainStepOutput output)
    {
        var now = clock.Elapsed.TotalSeconds;
        var time = now - last;
        last = now;
        trainer.Logs.UpdateScalar(MessageHubKeys.TrainTime, time);
        if (time > 0)
        {
            trainer.Logs.UpdateScalar(MessageHubKeys.TrainThroughput, output.BatchSize / time);
        }
        if (trainer.Logs.TryGetScalar(MessageHubKeys.TrainTime, out var history))
        {
            var remaining = trainer.MaxIters - trainer.Iter - 1;
            trainer.Logs.SetInfo(EtaInfo, TimeSpan.FromSeconds(history.Mean(trainer.Options.LogInterval) * Math.Max(remaining, 0)));
        }
    }
}
