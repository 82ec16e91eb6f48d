using System.Buffers;
using Vision.Imaging;

namespace Vision.Data.Image;

/// <summary>
/// The bytes of an image file, not decoded yet (TensorFlow's <c>decode_and_crop_jpeg</c> and DALI's decoder crop
/// start from the same thing). Decoding it whole gives what <see cref="ImageIO.Read"/> gives;
/// <see cref="DecodeResizedCrop"/> decodes a JPEG only as far as one box needs, with the same pixels as decoding it
/// whole and cropping. The bytes live in a pooled buffer until <see cref="Dispose"/>.
/// </summary>
public sealed class EncodedImage : IDisposable
{
    private byte[]? buffer;
    private readonly int length;
    private (int Height, int Width)? boxDecodableSize;
    private bool sizeRead;

    private EncodedImage(byte[] buffer, int length, ImageReadMode mode, string source)
    {
        this.buffer = buffer;
        this.length = length;
        Mode = mode;
        Source = source;
    }

    /// <summary>Reads an image file's bytes.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is larger than an image file can be; the message names it.</exception>
    public static EncodedImage Read(string path, ImageReadMode mode = ImageReadMode.Rgb)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        if (file.Length > Array.MaxLength)
        {
            throw new InvalidDataException($"{path}: the file is {file.Length} bytes, more than an image file can be.");
        }
        // A pooled buffer spares the GC a large array per image: compressed bytes live only until the decode.
        var buffer = ArrayPool<byte>.Shared.Rent((int)file.Length);
        try
        {
            var read = file.ReadAtLeast(buffer.AsSpan(0, (int)file.Length), (int)file.Length, throwOnEndOfStream: false);
            return new EncodedImage(buffer, read, mode, path);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>Decode to RGB or to one gray channel.</summary>
    public ImageReadMode Mode { get; }

    /// <summary>The file the bytes came from, for error messages.</summary>
    public string Source { get; }

    /// <summary>The encoded bytes.</summary>
    /// <exception cref="ObjectDisposedException">The image was disposed.</exception>
    public ReadOnlySpan<byte> Data => (buffer ?? throw new ObjectDisposedException(nameof(EncodedImage), Source)).AsSpan(0, length);

    /// <summary>
    /// The (height, width) of a JPEG that <see cref="DecodeResizedCrop"/> decodes box-only, read from its header;
    /// null for other images (other formats, CMYK, an EXIF rotation), whose size only a full decode tells.
    /// </summary>
    public (int Height, int Width)? BoxDecodableSize
    {
        get
        {
            if (!sizeRead)
            {
                boxDecodableSize = ImageKernels.TryGetJpegSize(Data, out var height, out var width) ? (height, width) : null;
                sizeRead = true;
            }
            return boxDecodableSize;
        }
    }

    /// <summary>Decodes the whole image: uint8 (H, W, 3) RGB or (H, W, 1) gray.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a decodable image; the message names <see cref="Source"/>.</exception>
    public Tensor Decode() => ImageKernels.Decode(Data, Mode == ImageReadMode.Grayscale, Source);

    /// <summary>
    /// Decodes the box (top, left, height, width) and resizes it to (outHeight, outWidth): the pixels of
    /// <see cref="Decode"/> followed by a resized crop, for a fraction of the decoding work when
    /// <see cref="BoxDecodableSize"/> is known.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a decodable image, or the box is not inside it; the message names <see cref="Source"/>.</exception>
    public Tensor DecodeResizedCrop(int top, int left, int height, int width, int outHeight, int outWidth, Interpolation interpolation) =>
        ImageKernels.DecodeResizedCrop(Data, Mode == ImageReadMode.Grayscale, Source, top, left, height, width, outHeight, outWidth, (int)interpolation);

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        if (buffer is { } b)
        {
            buffer = null;
            ArrayPool<byte>.Shared.Return(b);
        }
    }
}
