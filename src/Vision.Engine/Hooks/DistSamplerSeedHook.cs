using Vision.Engine.Training;

namespace Vision.Engine.Hooks;

/// <summary>
/// Sets the training sampler's epoch before each epoch (MMEngine's <c>DistSamplerSeedHook</c>), so shuffling samplers,
/// distributed ones included, draw a new order every epoch. Without it every epoch sees the order of the sampler's
/// current epoch, as in PyTorch without <c>set_epoch</c>.
/// </summary>
public sealed class DistSamplerSeedHook : Hook
{
    /// <summary>Creates the hook (priority NORMAL).</summary>
    public DistSamplerSeedHook() : base(HookPriority.Normal)
    {
    }

    /// <inheritdoc/>
    public override void BeforeTrainEpoch(Trainer trainer) => trainer.TrainDataLoader.SetEpoch(trainer.Epoch);
}
