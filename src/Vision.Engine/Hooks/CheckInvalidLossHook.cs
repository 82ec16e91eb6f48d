using Vision.Data;
using Vision.Engine.Training;

namespace Vision.Engine.Hooks;

/// <summary>
/// Stops training when the loss becomes NaN or infinite (MMEngine's <c>CheckInvalidLossHook</c>) by throwing a
/// <see cref="NonFiniteLossException"/> that names the epoch, iteration, value and the last good checkpoint; the
/// trainer then writes no checkpoint, so that one stays the latest.
/// </summary>
public sealed class CheckInvalidLossHook : Hook
{
    private readonly int interval;

    /// <summary>Creates the hook (priority NORMAL), checking every <paramref name="interval"/> iterations.</summary>
    public CheckInvalidLossHook(int interval = 1) : base(HookPriority.Normal)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, 1);
        this.interval = interval;
    }

    /// <inheritdoc/>
    public override void AfterTrainIter(Trainer trainer, int batchIndex, Batch batch, TrainStepOutput output)
    {
        if ((trainer.Iter + 1) % interval == 0 && !double.IsFinite(output.Loss))
        {
            throw new NonFiniteLossException(trainer.Epoch, trainer.Iter, batchIndex, output.Loss, trainer.LatestCheckpoint);
        }
    }
}
