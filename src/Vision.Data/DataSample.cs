namespace Vision.Data;

/// <summary>
/// One labelled sample on its way through the per-sample pipeline: a uint8 HWC (height, width, channels) CPU image
/// tensor — 3 channels RGB, or 1 for grayscale datasets such as Fashion-MNIST — its class label and where it came
/// from. Transforms replace <see cref="Image"/> (or modify it in place: the sample owns it) and the sample disposes
/// the previous image when it is replaced.
/// </summary>
public sealed class DataSample : IDisposable
{
    private Tensor image;

    /// <summary>Creates a sample; it takes ownership of <paramref name="image"/>.</summary>
    public DataSample(Tensor image, long label, int index, string? source = null)
    {
        this.image = image.DetachFromDisposeScope();
        Label = label;
        Index = index;
        Source = source;
    }

    /// <summary>The image: uint8, shape (H, W, C) with C = 3 (RGB) or 1 (gray), on the CPU (float (C, H, W) after a to-tensor/normalize step).</summary>
    public Tensor Image
    {
        get => image;
        set
        {
            if (!ReferenceEquals(value, image))
            {
                image.Dispose();
                image = value.DetachFromDisposeScope();
            }
        }
    }

    /// <summary>The class index.</summary>
    public long Label { get; set; }

    /// <summary>The position of the sample in its dataset.</summary>
    public int Index { get; }

    /// <summary>A file path or other description of where the sample came from, for error messages.</summary>
    public string? Source { get; }

    /// <summary>Frees the image.</summary>
    public void Dispose() => image.Dispose();
}
