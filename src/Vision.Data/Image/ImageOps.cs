using Vision.Imaging;

namespace Vision.Data.Image;

/// <summary>
/// The image operations behind the transforms, on uint8 (H, W, C) CPU images (OpenCV for geometry, ATen for
/// colour, both in the native shim). Every operation returns a new tensor and leaves its input untouched.
/// The colour operations reproduce torchvision's tensor functional ops exactly.
/// </summary>
internal static class ImageOps
{
    /// <summary>
    /// Height, width and channels of a sample image: uint8 images are (H, W, C), floating-point ones (C, H, W)
    /// (after <see cref="Transforms.Normalize"/>).
    /// </summary>
    internal static (int Height, int Width, int Channels) Dimensions(Tensor image)
    {
        var shape = image.shape;
        if (shape.Length != 3)
        {
            throw new ArgumentException(
                $"Expected an image of 3 dimensions (uint8 H×W×C or float C×H×W), got shape [{string.Join(", ", shape)}].", nameof(image));
        }
        return image.dtype == ScalarType.Byte
            ? ((int)shape[0], (int)shape[1], (int)shape[2])
            : ((int)shape[1], (int)shape[2], (int)shape[0]);
    }

    /// <summary>Copies the box (top, left, height, width), which must lie inside the image.</summary>
    internal static Tensor Crop(Tensor image, int top, int left, int height, int width) =>
        ResizedCrop(image, top, left, height, width, height, width, Interpolation.Nearest);

    /// <summary>Resizes the whole image to (height, width).</summary>
    internal static Tensor Resize(Tensor image, int height, int width, Interpolation interpolation)
    {
        var (h, w, _) = Dimensions(image);
        return ResizedCrop(image, 0, 0, h, w, height, width, interpolation);
    }

    /// <summary>Resizes the box (top, left, height, width) to (outHeight, outWidth), reading the box in place.</summary>
    internal static Tensor ResizedCrop(Tensor image, int top, int left, int height, int width, int outHeight, int outWidth, Interpolation interpolation) =>
        ImageKernels.ResizedCrop(image, top, left, height, width, outHeight, outWidth, (int)interpolation);

    /// <summary>Mirrors left-right (horizontal) or top-bottom.</summary>
    internal static Tensor Flip(Tensor image, bool horizontal) =>
        ImageKernels.Flip(image, horizontal);

    /// <summary>Adds a border; <paramref name="fill"/> (one value, or one per channel) is used by <see cref="PaddingMode.Constant"/>.</summary>
    internal static Tensor Pad(Tensor image, int left, int top, int right, int bottom, PaddingMode mode, ReadOnlySpan<double> fill)
    {
        // cv::BorderTypes: constant 0, replicate 1, reflect (symmetric) 2, reflect-101 (reflect) 4.
        var border = mode switch
        {
            PaddingMode.Constant => 0,
            PaddingMode.Edge => 1,
            PaddingMode.Symmetric => 2,
            PaddingMode.Reflect => 4,
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown padding mode."),
        };
        return ImageKernels.Pad(image, left, top, right, bottom, border, PerChannel(fill, image));
    }

    /// <summary>
    /// Affine warp to the same size: output pixel (x, y) samples the input at (m0 x + m1 y + m2, m3 x + m4 y + m5)
    /// in pixel-index coordinates; pixels from outside the image get <paramref name="fill"/>.
    /// </summary>
    internal static Tensor WarpAffine(Tensor image, ReadOnlySpan<double> inverseMatrix, Interpolation interpolation, ReadOnlySpan<double> fill) =>
        ImageKernels.WarpAffine(image, inverseMatrix, (int)interpolation, PerChannel(fill, image));

    /// <summary>Maps values through a lookup table of 256 entries (all channels) or 256 × C (entry v of channel c at v * C + c).</summary>
    internal static Tensor Lut(Tensor image, byte[] table)
    {
        var channels = table.Length / 256;
        using var lut = channels == 1 ? torch.tensor(table, 256) : torch.tensor(table, 256, channels);
        return ImageKernels.Lut(image, lut);
    }

    /// <summary>Per-channel value counts: entry c * 256 + v counts the pixels whose channel c is v.</summary>
    internal static long[] Histogram(Tensor image)
    {
        using var counts = ImageKernels.Histogram(image);
        return counts.data<long>();
    }

    /// <summary>torchvision's rgb_to_grayscale (0.2989 R + 0.587 G + 0.114 B, truncated) with 1 or 3 output channels.</summary>
    internal static Tensor Grayscale(Tensor image, int channels) =>
        ImageKernels.RgbToGrayscale(image, channels);

    /// <summary>torchvision's adjust_brightness.</summary>
    internal static Tensor AdjustBrightness(Tensor image, double factor) => ImageKernels.AdjustBrightness(image, factor);

    /// <summary>torchvision's adjust_contrast.</summary>
    internal static Tensor AdjustContrast(Tensor image, double factor) => ImageKernels.AdjustContrast(image, factor);

    /// <summary>torchvision's adjust_saturation (PIL's ImageEnhance.Color).</summary>
    internal static Tensor AdjustSaturation(Tensor image, double factor) => ImageKernels.AdjustSaturation(image, factor);

    /// <summary>torchvision's adjust_hue; <paramref name="factor"/> is in turns, -0.5 to 0.5.</summary>
    internal static Tensor AdjustHue(Tensor image, double factor) => ImageKernels.AdjustHue(image, factor);

    /// <summary>torchvision's adjust_sharpness.</summary>
    internal static Tensor AdjustSharpness(Tensor image, double factor) => ImageKernels.AdjustSharpness(image, factor);

    /// <summary>uint8 (H, W, C) to float32 (C, H, W) as (x - mean[c]) / std[c], reversing the channel order first if asked.</summary>
    internal static Tensor Normalize(Tensor image, double[] mean, double[] std, bool reverseChannels) =>
        ImageKernels.Normalize(image, mean, std, reverseChannels);

    // A fill value per channel: one value is repeated, several must match the channel count.
    private static double[] PerChannel(ReadOnlySpan<double> fill, Tensor image)
    {
        var channels = Dimensions(image).Channels;
        if (fill.Length == 1 || fill.Length == 0)
        {
            return Enumerable.Repeat(fill.Length == 0 ? 0.0 : fill[0], channels).ToArray();
        }
        if (fill.Length < channels)
        {
            throw new ArgumentException($"The fill has {fill.Length} values for a {channels}-channel image.", nameof(fill));
        }
        return fill[..channels].ToArray();
    }
}
