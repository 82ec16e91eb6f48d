using Vision.Data;

namespace Vision.Engine.Training;

/// <summary>
/// Turns a collated <see cref="Batch"/> into model inputs and loss targets on the training device (MMPreTrain's
/// <c>data_preprocessor</c>). A service: replace <see cref="DataPreprocessor"/> to change it.
/// </summary>
public interface IDataPreprocessor
{
    /// <summary>
    /// The inputs (N, C, H, W) and targets of <paramref name="batch"/>, as new tensors of the current dispose scope.
    /// Training batches may be mixed by a batch augment drawing from <paramref name="random"/> (then the targets are
    /// soft, (N, classes)); evaluation batches keep their int64 labels.
    /// </summary>
    (Tensor Inputs, Tensor Targets) Process(Batch batch, bool training, Random random);
}
