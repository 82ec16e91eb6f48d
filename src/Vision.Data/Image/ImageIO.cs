using Vision.Imaging;

namespace Vision.Data.Image;

/// <summary>
/// Reads and writes image files through OpenCV (torchvision.io's <c>read_image</c>/<c>decode_image</c>/<c>encode_png</c>).
/// Images are CPU uint8 tensors of shape (H, W, C): C = 3 (RGB) or 1 (grayscale). Decoding handles JPEG, PNG,
/// BMP, WebP, TIFF and PNM, applies the EXIF orientation of JPEG files, drops alpha and scales 16-bit data to
/// 8 bits. Safe to call from several threads at once.
/// </summary>
public static class ImageIO
{
    /// <summary>The file extensions (lower case, with the dot) that <see cref="Read"/> can decode.</summary>
    public static IReadOnlyList<string> Extensions { get; } =
        [".jpg", ".jpeg", ".jpe", ".png", ".bmp", ".dib", ".webp", ".tif", ".tiff", ".ppm", ".pgm", ".pbm", ".pnm"];

    /// <summary>Reads and decodes an image file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a decodable image; the message names the file.</exception>
    public static Tensor Read(string path, ImageReadMode mode = ImageReadMode.Rgb)
    {
        using var encoded = EncodedImage.Read(path, mode);
        return encoded.Decode();
    }

    /// <summary>Decodes an encoded image (the bytes of a JPEG, PNG, … file).</summary>
    /// <exception cref="InvalidDataException">The bytes are not a decodable image.</exception>
    public static Tensor Decode(ReadOnlySpan<byte> data, ImageReadMode mode = ImageReadMode.Rgb) =>
        Decode(data, mode, $"image data ({data.Length} bytes)");

    private static Tensor Decode(ReadOnlySpan<byte> data, ImageReadMode mode, string source) =>
        ImageKernels.Decode(data, mode == ImageReadMode.Grayscale, source);

    /// <summary>Encodes a uint8 (H, W, C) image with 1 (gray), 3 (RGB) or 4 (RGBA) channels.</summary>
    /// <param name="image">The image.</param>
    /// <param name="format">PNG (lossless) or JPEG.</param>
    /// <param name="quality">JPEG quality, 1 to 100; ignored for PNG.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="quality"/> is outside 1 to 100.</exception>
    /// <exception cref="TorchException">The tensor is not a uint8 (H, W, C) image.</exception>
    public static byte[] Encode(Tensor image, ImageFormat format = ImageFormat.Png, int quality = 95)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (quality is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(quality), quality, "JPEG quality must be between 1 and 100.");
        }
        var extension = format == ImageFormat.Jpeg ? ".jpg" : ".png";
        return ImageKernels.Encode(image, extension, quality);
    }

    /// <summary>Encodes <paramref name="image"/> in the format of the file extension (.png, .jpg or .jpeg) and writes it.</summary>
    /// <exception cref="ArgumentException">The extension is not .png, .jpg or .jpeg.</exception>
    public static void Write(string path, Tensor image, int quality = 95)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var format = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".png" => ImageFormat.Png,
            ".jpg" or ".jpeg" => ImageFormat.Jpeg,
            _ => throw new ArgumentException($"Cannot write {path}: the extension must be .png, .jpg or .jpeg.", nameof(path)),
        };
        File.WriteAllBytes(path, Encode(image, format, quality));
    }
}
