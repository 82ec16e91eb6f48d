using Vision.Data;
using Vision.Engine.Optim;
using Vision.Engine.Training;
using Vision.nn;

namespace Vision.Engine.Steps;

/// <summary>What an <see cref="ITrainStep"/> works with for one batch.</summary>
/// <param name="Trainer">The trainer (its progress, options and logs).</param>
/// <param name="OptimWrapper">Where the step hands its loss.</param>
/// <param name="AugmentRandom">The batch augment's random source of this batch (it depends only on seed, epoch and batch).</param>
public sealed record TrainStepContext(Trainer Trainer, OptimWrapper OptimWrapper, Random AugmentRandom)
{
    /// <summary>The module to run the training forward through: the model, or its DistributedDataParallel wrapper.</summary>
    public Module<Tensor, Tensor> Model => Trainer.TrainingModel;

    /// <summary>The trainer's loss (by default the classifier's own loss module).</summary>
    public LossFunction Loss => Trainer.Loss;

    /// <summary>Moves the batch to the device and applies the training preprocessing and batch augment.</summary>
    /// <returns>The model's inputs and the targets (class indices, or soft targets after Mixup/CutMix).</returns>
    public (Tensor Inputs, Tensor Targets) Preprocess(Batch batch) =>
        Trainer.Preprocessor.Process(batch, training: true, AugmentRandom);
}
