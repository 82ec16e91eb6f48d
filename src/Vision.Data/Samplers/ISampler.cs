namespace Vision.Data.Samplers;

/// <summary>
/// Chooses which dataset indices an epoch visits and in what order (torch.utils.data.Sampler). The order depends
/// only on the sampler's settings and the epoch set with <see cref="SetEpoch"/>, so every rank and every run
/// with the same settings sees the same sequence.
/// </summary>
public interface ISampler
{
    /// <summary>Number of indices per epoch (the length of <see cref="GetIndices"/>).</summary>
    int Count { get; }

    /// <summary>The epoch whose order <see cref="GetIndices"/> returns.</summary>
    int Epoch { get; }

    /// <summary>Selects the epoch (set_epoch); shuffling samplers reseed from it. The Engine calls this before each epoch.</summary>
    void SetEpoch(int epoch);

    /// <summary>The dataset indices of the current epoch, in visiting order.</summary>
    IReadOnlyList<int> GetIndices();
}
