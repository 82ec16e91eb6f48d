using Vision.Data;
using Vision.Engine.Training;

namespace Vision.Engine.Steps;

/// <summary>
/// The training step: what one batch does between the loader and the optimizer (Lightning's <c>training_step</c>,
/// MMEngine's <c>model.train_step</c>). Replace it to train with another objective, e.g. a distillation loss over two
/// heads, without touching the loop. The contract:
/// <list type="number">
/// <item>Preprocess the batch with <see cref="TrainStepContext.Preprocess"/> (device, float, normalisation, batch augment).</item>
/// <item>Run the forward pass inside <c>using (context.OptimWrapper.Autocast())</c>, so mixed precision applies.</item>
/// <item>Hand the batch's scalar mean loss (float32) to <see cref="Optim.OptimWrapper.UpdateParams"/> exactly once and
/// return its result; the wrapper accumulates, scales, clips and steps.</item>
/// </list>
/// The loop runs each step inside its own dispose scope, so temporaries need no disposal; it checks that the step
/// called <c>UpdateParams</c> once. The default is <see cref="ClassifierTrainStep"/>.
/// <code>
/// .WithTrainStep(new MyStep())   // class MyStep : ITrainStep { public TrainStepOutput Run(Batch b, TrainStepContext c) { … } }
/// </code>
/// </summary>
public interface ITrainStep
{
    /// <summary>Trains on one batch.</summary>
    /// <param name="batch">The batch as the loader made it (it stays the loop's to dispose).</param>
    /// <param name="context">The model, preprocessing, loss and optimizer wrapper of this trainer.</param>
    /// <returns>The result of <see cref="Optim.OptimWrapper.UpdateParams"/>.</returns>
    TrainStepOutput Run(Batch batch, TrainStepContext context);
}
