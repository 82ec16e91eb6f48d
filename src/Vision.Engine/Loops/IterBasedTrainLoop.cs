using Vision.Engine.Checkpoints;
using Vision.Engine.Optim;
using Vision.Engine.Steps;
using Vision.Engine.Training;

namespace Vision.Engine.Loops;

/// <summary>
/// Trains for <c>max_iters</c> batches, epoch after epoch, ending inside an epoch when they are done, and validates
/// after the iterations due by val_begin/val_interval (MMEngine's <c>IterBasedTrainLoop</c>).
/// </summary>
internal sealed class IterBasedTrainLoop(Trainer trainer, OptimWrapper optimWrapper, ITrainStep step, CheckpointManager checkpoints, ValLoop? valLoop)
    : TrainLoop(trainer, optimWrapper, step, checkpoints, valLoop)
{
    /// <inheritdoc />
    protected override bool Finished => Trainer.Iter >= Trainer.MaxIters;

    /// <inheritdoc />
    protected override bool ReachedEndInsideEpoch => Finished;

    /// <inheritdoc />
    protected override long IterationsLeft => Trainer.MaxIters - Trainer.Iter;

    /// <inheritdoc />
    protected override void AfterIteration() => ValidateIfDue(Trainer.Iter);
}
