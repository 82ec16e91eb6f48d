using Vision.Data.Image;

namespace Vision.Data;

/// <summary>
/// One labelled sample on its way through the per-sample pipeline: a uint8 HWC (height, width, channels) CPU image
/// tensor — 3 channels RGB, or 1 for grayscale datasets such as Fashion-MNIST — its class label and where it came
/// from. Transforms replace <see cref="Image"/> (or modify it in place: the sample owns it) and the sample disposes
/// the previous image when it is replaced.
/// </summary>
/// <remarks>
/// A sample may also start as the bytes of an image file (<see cref="Encoded"/>), decoded when <see cref="Image"/>
/// is first read. That lets the first transform decode only what it keeps: <see cref="Transforms.RandomResizedCrop"/>
/// decodes just its box of a JPEG.
/// </remarks>
public sealed class DataSample : IDisposable
{
    private Tensor? image;
    private EncodedImage? encoded;

    /// <summary>Creates a sample; it takes ownership of <paramref name="image"/>.</summary>
    public DataSample(Tensor image, long label, int index, string? source = null)
    {
        this.image = image.DetachFromDisposeScope();
        Label = label;
        Index = index;
        Source = source;
    }

    /// <summary>Creates a sample whose image is decoded on first use; it takes ownership of <paramref name="encoded"/>.</summary>
    public DataSample(EncodedImage encoded, long label, int index)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        this.encoded = encoded;
        Label = label;
        Index = index;
        Source = encoded.Source;
    }

    /// <summary>
    /// The image: uint8, shape (H, W, C) with C = 3 (RGB) or 1 (gray), on the CPU (float (C, H, W) after a
    /// to-tensor/normalize step). A sample created from an <see cref="EncodedImage"/> decodes it here, once.
    /// </summary>
    /// <exception cref="InvalidDataException">The encoded image cannot be decoded; the message names its source.</exception>
    public Tensor Image
    {
        get
        {
            if (image is null)
            {
                var bytes = encoded ?? throw new ObjectDisposedException(nameof(DataSample));
                image = bytes.Decode().DetachFromDisposeScope();
                encoded = null;
                bytes.Dispose();
            }
            return image;
        }
        set
        {
            if (!ReferenceEquals(value, image))
            {
                image?.Dispose();
                image = value.DetachFromDisposeScope();
            }
            encoded?.Dispose();
            encoded = null;
        }
    }

    /// <summary>The file bytes while the image is not decoded yet; null once <see cref="Image"/> has been read or set.</summary>
    public EncodedImage? Encoded => encoded;

    /// <summary>The class index.</summary>
    public long Label { get; set; }

    /// <summary>The position of the sample in its dataset.</summary>
    public int Index { get; }

    /// <summary>A file path or other description of where the sample came from, for error messages.</summary>
    public string? Source { get; }

    /// <summary>
    /// The same sample under another index (a subset re-numbers its dataset's samples); the new sample takes over the
    /// image, decoded or not, and this one must not be used afterwards.
    /// </summary>
    public DataSample WithIndex(int index)
    {
        var moved = encoded is { } bytes ? new DataSample(bytes, Label, index) : new DataSample(Image, Label, index, Source);
        image = null;
        encoded = null;
        return moved;
    }

    /// <summary>Frees the image (or the undecoded bytes).</summary>
    public void Dispose()
    {
        image?.Dispose();
        encoded?.Dispose();
        image = null;
        encoded = null;
    }
}
