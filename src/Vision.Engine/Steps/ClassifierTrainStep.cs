using Vision.Data;
using Vision.Engine.Training;

namespace Vision.Engine.Steps;

/// <summary>
/// The default training step: preprocess, forward under autocast, the trainer's loss of the float32 logits against
/// the targets, then <see cref="Optim.OptimWrapper.UpdateParams"/>.
/// </summary>
public sealed class ClassifierTrainStep : ITrainStep
{
    /// <inheritdoc />
    public TrainStepOutput Run(Batch batch, TrainStepContext context)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(context);
        var (inputs, targets) = context.Preprocess(batch);
        Tensor logits;
        using (context.OptimWrapper.Autocast())
        {
            logits = context.Model.forward(inputs);
        }
        var loss = context.Loss(logits.to(ScalarType.Float32), targets);
        return context.OptimWrapper.UpdateParams(loss, batch.Count);
    }
}
