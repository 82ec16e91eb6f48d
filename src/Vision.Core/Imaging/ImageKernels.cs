using static Vision.Native.NativeMethods;

namespace Vision.Imaging;

/// <summary>
/// The image kernels of the native shim (OpenCV for decoding, encoding and geometry; ATen for colour), on CPU uint8
/// images of shape (H, W, C). This is the flat layer under Vision.Data's transforms and image IO: arguments are
/// plain numbers in OpenCV's conventions, checks beyond the shim's own are the caller's. Every kernel returns a new
/// tensor and leaves its input untouched; all are safe to call from several threads at once.
/// </summary>
public static unsafe class ImageKernels
{
    /// <summary>Decodes an encoded image (JPEG, PNG, BMP, WebP, TIFF, PNM) to (H, W, 3) RGB or (H, W, 1) gray.</summary>
    /// <param name="data">The file's bytes.</param>
    /// <param name="grayscale">Decode to one channel.</param>
    /// <param name="source">What the bytes are (a file name), for the error message.</param>
    /// <exception cref="InvalidDataException">The bytes are not a decodable image; the message names <paramref name="source"/>.</exception>
    public static Tensor Decode(ReadOnlySpan<byte> data, bool grayscale, string source)
    {
        fixed (byte* p = data)
        {
            if (vt_image_decode((IntPtr)p, data.Length, grayscale ? 1 : 0, out var handle) != 0)
            {
                throw new InvalidDataException($"Cannot decode {source}: {LastError()}.");
            }
            return new Tensor(handle);
        }
    }

    /// <summary>
    /// The size of a JPEG whose boxes <see cref="DecodeResizedCrop"/> decodes without decoding the whole image
    /// (8-bit YCbCr, RGB or gray, upright); false for anything else, whose size a full decode tells.
    /// </summary>
    /// <param name="data">The file's bytes.</param>
    /// <param name="height">The image height, when true.</param>
    /// <param name="width">The image width, when true.</param>
    public static bool TryGetJpegSize(ReadOnlySpan<byte> data, out int height, out int width)
    {
        long h = 0, w = 0;
        int decodable;
        fixed (byte* p = data)
        {
            if (vt_image_jpeg_size((IntPtr)p, data.Length, &h, &w, &decodable) != 0)
            {
                throw new TorchException(LastError());
            }
        }
        (height, width) = ((int)h, (int)w);
        return decodable != 0;
    }

    /// <summary>
    /// <see cref="Decode"/> followed by <see cref="ResizedCrop"/>, with the same pixels; a JPEG that
    /// <see cref="TryGetJpegSize"/> accepts is decoded only as far as the box needs: rows below the box are never
    /// read, rows above it are skipped without their inverse DCT and columns outside it are cropped.
    /// </summary>
    /// <param name="data">The file's bytes.</param>
    /// <param name="grayscale">Decode to one channel.</param>
    /// <param name="source">What the bytes are (a file name), for the error message.</param>
    /// <param name="top">The box's first row.</param>
    /// <param name="left">The box's first column.</param>
    /// <param name="height">The box height.</param>
    /// <param name="width">The box width.</param>
    /// <param name="outHeight">The output height.</param>
    /// <param name="outWidth">The output width.</param>
    /// <param name="interpolation">OpenCV's code, as for <see cref="ResizedCrop"/>.</param>
    /// <exception cref="InvalidDataException">The bytes are not a decodable image, or the box is not inside it; the message names <paramref name="source"/>.</exception>
    public static Tensor DecodeResizedCrop(ReadOnlySpan<byte> data, bool grayscale, string source,
        int top, int left, int height, int width, int outHeight, int outWidth, int interpolation)
    {
        fixed (byte* p = data)
        {
            if (vt_image_decode_resized_crop((IntPtr)p, data.Length, grayscale ? 1 : 0, top, left, height, width,
                    outHeight, outWidth, interpolation, out var handle) != 0)
            {
                throw new InvalidDataException($"Cannot decode {source}: {LastError()}.");
            }
            return new Tensor(handle);
        }
    }

    /// <summary>Encodes a uint8 (H, W, C) image with 1, 3 (RGB) or 4 (RGBA) channels.</summary>
    /// <param name="image">The image.</param>
    /// <param name="extension">".png" or ".jpg": the format.</param>
    /// <param name="quality">JPEG quality, 1 to 100.</param>
    /// <exception cref="TorchException">The tensor is not a uint8 (H, W, C) image.</exception>
    public static byte[] Encode(Tensor image, string extension, int quality)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var bytes = Result(vt_image_encode(image.Handle, extension, quality, out var r), r, image);
        return bytes.data<byte>();
    }

    /// <summary>
    /// Resizes the box (top, left, height, width) to (outHeight, outWidth), reading the box in place;
    /// <c>interpolation</c> is OpenCV's code: 0 nearest, 1 bilinear, 2 bicubic, 3 area.
    /// </summary>
    public static Tensor ResizedCrop(Tensor image, int top, int left, int height, int width, int outHeight, int outWidth, int interpolation) =>
        Result(vt_image_resized_crop(image.Handle, top, left, height, width, outHeight, outWidth, interpolation, out var r), r, image);

    /// <summary>Mirrors left-right (horizontal) or top-bottom.</summary>
    public static Tensor Flip(Tensor image, bool horizontal) =>
        Result(vt_image_flip(image.Handle, horizontal ? 1 : 0, out var r), r, image);

    /// <summary>
    /// Adds a border of OpenCV's <c>borderType</c> (cv::BorderTypes: 0 constant, 1 replicate, 2 reflect (symmetric),
    /// 4 reflect-101); <c>fill</c> has one value per channel.
    /// </summary>
    public static Tensor Pad(Tensor image, int left, int top, int right, int bottom, int borderType, ReadOnlySpan<double> fill)
    {
        fixed (double* f = fill)
        {
            return Result(vt_image_pad(image.Handle, top, bottom, left, right, borderType, f, fill.Length, out var r), r, image);
        }
    }

    /// <summary>
    /// Affine warp to the same size: output pixel (x, y) samples the input at (m0 x + m1 y + m2, m3 x + m4 y + m5);
    /// pixels from outside get <paramref name="fill"/> (one value per channel).
    /// </summary>
    public static Tensor WarpAffine(Tensor image, ReadOnlySpan<double> inverseMatrix, int interpolation, ReadOnlySpan<double> fill)
    {
        if (inverseMatrix.Length != 6)
        {
            throw new ArgumentException($"An affine matrix has 6 values, got {inverseMatrix.Length}.", nameof(inverseMatrix));
        }
        fixed (double* m = inverseMatrix)
        fixed (double* f = fill)
        {
            return Result(vt_image_warp_affine(image.Handle, m, interpolation, f, fill.Length, out var r), r, image);
        }
    }

    /// <summary>Maps values through a uint8 lookup table of shape (256) or (256, C).</summary>
    public static Tensor Lut(Tensor image, Tensor table) =>
        Result(vt_image_lut(image.Handle, table.Handle, out var r), r, image, table);

    /// <summary>Per-channel value counts, int64 of length C × 256: entry c * 256 + v counts pixels whose channel c is v.</summary>
    public static Tensor Histogram(Tensor image) =>
        Result(vt_image_histogram(image.Handle, out var r), r, image);

    /// <summary>torchvision's rgb_to_grayscale (0.2989 R + 0.587 G + 0.114 B, truncated) with 1 or 3 output channels.</summary>
    public static Tensor RgbToGrayscale(Tensor image, int channels) =>
        Result(vt_image_rgb_to_grayscale(image.Handle, channels, out var r), r, image);

    /// <summary>torchvision's adjust_brightness.</summary>
    public static Tensor AdjustBrightness(Tensor image, double factor) => Adjust(image, factor, &vt_image_adjust_brightness);

    /// <summary>torchvision's adjust_contrast.</summary>
    public static Tensor AdjustContrast(Tensor image, double factor) => Adjust(image, factor, &vt_image_adjust_contrast);

    /// <summary>torchvision's adjust_saturation (PIL's ImageEnhance.Color).</summary>
    public static Tensor AdjustSaturation(Tensor image, double factor) => Adjust(image, factor, &vt_image_adjust_saturation);

    /// <summary>torchvision's adjust_hue; <paramref name="factor"/> is in turns, -0.5 to 0.5.</summary>
    public static Tensor AdjustHue(Tensor image, double factor) => Adjust(image, factor, &vt_image_adjust_hue);

    /// <summary>torchvision's adjust_sharpness.</summary>
    public static Tensor AdjustSharpness(Tensor image, double factor) => Adjust(image, factor, &vt_image_adjust_sharpness);

    /// <summary>uint8 (H, W, C) to float32 (C, H, W) as (x - mean[c]) / std[c], reversing the channel order first if asked.</summary>
    public static Tensor Normalize(Tensor image, ReadOnlySpan<double> mean, ReadOnlySpan<double> std, bool reverseChannels)
    {
        if (mean.Length != std.Length)
        {
            throw new ArgumentException($"mean has {mean.Length} values but std has {std.Length}.", nameof(std));
        }
        fixed (double* m = mean)
        fixed (double* s = std)
        {
            return Result(vt_image_normalize(image.Handle, m, s, mean.Length, reverseChannels ? 1 : 0, out var r), r, image);
        }
    }

    /// <summary>
    /// Stacks uint8 (H, W, C) images of one shape into one (N, C, H, W) batch, one pass per image: uint8 when
    /// <paramref name="mean"/> is empty, else float32 normalised per channel exactly as <see cref="Normalize"/> does.
    /// </summary>
    /// <exception cref="TorchException">An image is not uint8 (H, W, C), the shapes differ, or the statistics do not match the channels.</exception>
    public static Tensor Collate(IReadOnlyList<Tensor> images, ReadOnlySpan<double> mean, ReadOnlySpan<double> std, bool reverseChannels)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (mean.Length != std.Length)
        {
            throw new ArgumentException($"mean has {mean.Length} values but std has {std.Length}.", nameof(std));
        }
        var handles = torch.Handles(images);
        fixed (IntPtr* h = handles)
        fixed (double* m = mean)
        fixed (double* s = std)
        {
            var status = vt_image_collate(h, handles.Length, m, s, mean.Length, reverseChannels ? 1 : 0, out var r);
            GC.KeepAlive(images);
            return Tensor.Wrap(status, r);
        }
    }

    private static Tensor Adjust(Tensor image, double factor, delegate*<IntPtr, double, out IntPtr, int> op) =>
        Result(op(image.Handle, factor, out var r), r, image);

    // Keeps the operands alive until the native call has returned, then wraps its result.
    private static Tensor Result(int status, IntPtr result, Tensor image, Tensor? other = null)
    {
        GC.KeepAlive(image);
        GC.KeepAlive(other);
        return Tensor.Wrap(status, result);
    }
}
