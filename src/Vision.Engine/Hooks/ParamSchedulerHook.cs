using Vision.Data;
using Vision.Engine.Training;

namespace Vision.Engine.Hooks;

/// <summary>
/// Steps the trainer's parameter schedulers (MMEngine's <c>ParamSchedulerHook</c>, priority LOW): iteration-based
/// ones after every optimizer step (not every batch: with gradient accumulation a window of batches is one step,
/// mmengine#1308), epoch-based ones after every epoch.
/// </summary>
public sealed class ParamSchedulerHook : Hook
{
    /// <summary>Creates the hook (priority LOW).</summary>
    public ParamSchedulerHook() : base(HookPriority.Low)
    {
    }

    /// <inheritdoc/>
    public override void AfterTrainIter(Trainer trainer, int batchIndex, Batch batch, TrainStepOutput output)
    {
        if (!output.OptimizerStepped)
        {
            return;
        }
        foreach (var scheduler in trainer.Schedulers.Where(s => !s.by_epoch))
        {
            scheduler.step();
        }
    }

    /// <inheritdoc/>
    public override void AfterTrainEpoch(Trainer trainer)
    {
        foreach (var scheduler in trainer.Schedulers.Where(s => s.by_epoch))
        {
            scheduler.step();
        }
    }
}
