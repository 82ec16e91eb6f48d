using SkiaSharp;

namespace Vision.Engine.Visualization.Cam;

/// <summary>
/// Draws a class activation map over its image with SkiaSharp: the image and the blended heatmap (jet colours, red =
/// most important) side by side, enlarged to at least <see cref="MinimumSide"/> pixels, with a caption underneath
/// (wrapped at spaces onto as many lines as it needs).
/// </summary>
public static class CamOverlay
{
    /// <summary>Small images (e.g. 28-px Fashion-MNIST) are enlarged by a whole factor to at least this side.</summary>
    public const int MinimumSide = 224;

    private const int Gap = 8;
    private const float CaptionSize = 15;

    /// <summary>The jet colour of <paramref name="value"/> in [0, 1]: blue (0), cyan, yellow, red (1), as OpenCV's COLORMAP_JET.</summary>
    public static SKColor Jet(float value)
    {
        var v = Math.Clamp(value, 0, 1);
        static byte Channel(float x) => (byte)Math.Round(255 * Math.Clamp(1.5f - Math.Abs(x), 0, 1));
        return new SKColor(Channel(4 * v - 3), Channel(4 * v - 2), Channel(4 * v - 1));
    }

    /// <summary>Writes the picture for one image to <paramref name="path"/> (PNG).</summary>
    /// <param name="image">The image the model saw: uint8 (H, W, C) with 1 or 3 channels (RGB).</param>
    /// <param name="heatmap">The map in [0, 1], (H, W), e.g. a row of <see cref="CamResult.Heatmaps"/>.</param>
    /// <param name="path">The PNG to write.</param>
    /// <param name="caption">The text under the pictures, e.g. "pred: Sneaker 0.93 · Grad-CAM backbone.layer4".</param>
    /// <param name="alpha">The heatmap's weight in the blend.</param>
    /// <exception cref="ArgumentException">The image and heatmap shapes do not fit together.</exception>
    public static void Save(Tensor image, Tensor heatmap, string path, string caption, double alpha = 0.5)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(heatmap);
        ArgumentNullException.ThrowIfNull(caption);
        if (image.dim() != 3 || image.dtype != ScalarType.Byte || image.size(2) is not (1 or 3) || heatmap.dim() != 2
            || heatmap.size(0) != image.size(0) || heatmap.size(1) != image.size(1))
        {
            throw new ArgumentException(
                $"A CAM overlay needs a uint8 (H, W, 1|3) image and an (H, W) heatmap, got {image.dtype} ({string.Join(", ", image.shape)}) and ({string.Join(", ", heatmap.shape)}).");
        }
        var (height, width, channels) = ((int)image.size(0), (int)image.size(1), (int)image.size(2));
        var pixels = image.contiguous().data<byte>().ToArray();
        var heat = heatmap.to(ScalarType.Float32).contiguous().data<float>().ToArray();
        using var photo = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var blended = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = (y * width + x) * channels;
                var (r, g, b) = channels == 3 ? (pixels[i], pixels[i + 1], pixels[i + 2]) : (pixels[i], pixels[i], pixels[i]);
                photo.SetPixel(x, y, new SKColor(r, g, b));
                var jet = Jet(heat[y * width + x]);
                blended.SetPixel(x, y, new SKColor(Mix(r, jet.Red, alpha), Mix(g, jet.Green, alpha), Mix(b, jet.Blue, alpha)));
            }
        }
        var scale = Math.Max(1, (int)Math.Ceiling((double)MinimumSide / Math.Max(width, height)));
        var (w, h) = (width * scale, height * scale);
        using var font = new SKFont(SKTypeface.FromFamilyName(ChartRenderer.FontName), CaptionSize);
        var pictureWidth = 2 * w + 3 * Gap;
        var lines = Gallery.ImageGrid.Wrap(caption, font, pictureWidth - 2 * Gap);
        var lineHeight = CaptionSize * 1.35f;
        var info = new SKImageInfo(pictureWidth, h + 2 * Gap + (int)Math.Ceiling((lines.Count + 0.4f) * lineHeight), SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var surface = SKSurface.Create(info);
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        // Nearest-neighbour enlargement keeps the pixels a small image really has.
        var sampling = new SKSamplingOptions(SKFilterMode.Nearest);
        using (var left = SKImage.FromBitmap(photo))
        using (var right = SKImage.FromBitmap(blended))
        {
            canvas.DrawImage(left, new SKRect(Gap, Gap, Gap + w, Gap + h), sampling);
            canvas.DrawImage(right, new SKRect(2 * Gap + w, Gap, 2 * Gap + 2 * w, Gap + h), sampling);
        }
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        for (var l = 0; l < lines.Count; l++)
        {
            canvas.DrawText(lines[l], Gap, Gap + h + (l + 1) * lineHeight, SKTextAlign.Left, font, paint);
        }
        Gallery.ImageGrid.WritePng(surface, path);
    }

    private static byte Mix(byte photo, byte heat, double alpha) => (byte)Math.Round((1 - alpha) * photo + alpha * heat);
}
