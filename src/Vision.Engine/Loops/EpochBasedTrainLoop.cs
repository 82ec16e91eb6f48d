using Vision.Engine.Checkpoints;
using Vision.Engine.Optim;
using Vision.Engine.Steps;
using Vision.Engine.Training;

namespace Vision.Engine.Loops;

/// <summary>Trains for <c>max_epochs</c> epochs and validates after the epochs due by val_begin/val_interval (MMEngine's <c>EpochBasedTrainLoop</c>).</summary>
internal sealed class EpochBasedTrainLoop(Trainer trainer, OptimWrapper optimWrapper, ITrainStep step, CheckpointManager checkpoints, ValLoop? valLoop)
    : TrainLoop(trainer, optimWrapper, step, checkpoints, valLoop)
{
    private int MaxEpochs => Trainer.Options.MaxEpochs!.Value;

    /// <inheritdoc />
    protected override bool Finished => Trainer.Epoch >= MaxEpochs;

    /// <inheritdoc />
    protected override void AfterEpoch() => ValidateIfDue(Trainer.Epoch);
}
