namespace Vision.Engine.Checkpoints;

// The state a checkpoint captures: taken right after each optimizer step and at each epoch's end, the only points
// where no gradients are pending, so resuming from it continues exactly. The RNG snapshot array is unique to each
// captured point, so equality means "the very point that was saved".
internal readonly record struct ResumePoint(int Epoch, int BatchesConsumed, long Iter, long OptimizerSteps, byte[] RngState);
