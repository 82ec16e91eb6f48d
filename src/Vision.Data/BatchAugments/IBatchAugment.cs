namespace Vision.Data.BatchAugments;

/// <summary>
/// A batch-level augmentation that mixes samples (Mixup, CutMix, ResizeMix) and turns class labels into soft
/// targets, as timm's Mixup and MMPreTrain's batch augments. It runs after collate, on the device that trains.
/// </summary>
public interface IBatchAugment
{
    /// <summary>
    /// Mixes a batch. The inputs are left unchanged; the results are new tensors of the current dispose scope
    /// (the images may share memory with <paramref name="images"/> when nothing was mixed).
    /// </summary>
    /// <param name="images">Floating-point images (N, C, H, W).</param>
    /// <param name="labels">int64 class indices (N).</param>
    /// <param name="rng">The source of every random choice, so a seeded run repeats exactly.</param>
    /// <returns>The mixed images (N, C, H, W) and float32 soft targets (N, num_classes) whose rows sum to 1.</returns>
    (Tensor Images, Tensor Targets) Apply(Tensor images, Tensor labels, Random rng);
}
