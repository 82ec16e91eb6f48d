namespace Vision.Data;

/// <summary>
/// A collated batch: images as one contiguous tensor (uint8 NCHW straight from the loader, float after the batch
/// preprocessing) and int64 labels (N), or soft targets (N, classes) after Mixup/CutMix.
/// </summary>
public sealed class Batch : IDisposable
{
    /// <summary>Creates a batch that owns both tensors.</summary>
    public Batch(Tensor images, Tensor targets, IReadOnlyList<int> indices)
    {
        Images = images.DetachFromDisposeScope();
        Targets = targets.DetachFromDisposeScope();
        Indices = indices;
    }

    /// <summary>The images (N, C, H, W).</summary>
    public Tensor Images { get; }

    /// <summary>int64 labels (N) or float soft targets (N, classes).</summary>
    public Tensor Targets { get; }

    /// <summary>The dataset indices of the samples, in batch order.</summary>
    public IReadOnlyList<int> Indices { get; }

    /// <summary>Number of samples.</summary>
    public int Count => Indices.Count;

    /// <summary>Frees both tensors.</summary>
    public void Dispose()
    {
        Images.Dispose();
        Targets.Dispose();
    }
}
