namespace Vision.Data.Datasets;

/// <summary>
/// A dataset held in two CPU tensors: uint8 images (N, H, W, C), or (N, H, W) for single-channel images, and
/// int64 labels (N). <see cref="Get"/> hands out a copy of one image as (H, W, C), (H, W, 1) for grayscale.
/// The dataset owns the tensors.
/// </summary>
public sealed class InMemoryDataset : IDataset, IDisposable
{
    private readonly long[] labels;

    /// <summary>Creates the dataset and takes ownership of both tensors.</summary>
    /// <param name="images">uint8 (N, H, W, C) or (N, H, W) on the CPU.</param>
    /// <param name="labels">int64 (N) class indices.</param>
    /// <param name="classes">Class names indexed by label; null names them "0", "1", … up to the largest label.</param>
    /// <exception cref="ArgumentException">The shapes or types do not fit, or a label is negative or has no class name.</exception>
    public InMemoryDataset(Tensor images, Tensor labels, IReadOnlyList<string>? classes = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        var shape = images.shape;
        if (images.dtype != ScalarType.Byte || shape.Length is not (3 or 4) || images.device.Type != DeviceType.CPU)
        {
            throw new ArgumentException($"images must be a uint8 CPU tensor of shape (N, H, W, C) or (N, H, W), got {images.dtype} [{string.Join(", ", shape)}].", nameof(images));
        }
        if (labels.dtype != ScalarType.Int64 || labels.dim() != 1 || labels.shape[0] != shape[0])
        {
            throw new ArgumentException($"labels must be an int64 tensor of shape ({shape[0]}), got {labels.dtype} [{string.Join(", ", labels.shape)}].", nameof(labels));
        }
        this.labels = labels.data<long>();
        Classes = DatasetClasses.Resolve(classes, this.labels, "labels");
        Images = images.DetachFromDisposeScope();
        Labels = labels.DetachFromDisposeScope();
    }

    /// <summary>The images as given: uint8 (N, H, W, C) or (N, H, W).</summary>
    public Tensor Images { get; }

    /// <summary>The labels, int64 (N).</summary>
    public Tensor Labels { get; }

    /// <inheritdoc/>
    public int Count => labels.Length;

    /// <inheritdoc/>
    public IReadOnlyList<string> Classes { get; }

    /// <inheritdoc/>
    public DataSample Get(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        // The sample detaches its image from the scope; the views go with it.
        using var scope = torch.NewDisposeScope();
        var view = Images.select(0, index);
        var image = (view.dim() == 2 ? view.unsqueeze(-1) : view).clone();
        return new DataSample(image, labels[index], index);
    }

    /// <summary>Frees the image and label tensors.</summary>
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
