using SkiaSharp;

namespace Vision.Engine.Visualization.Segmentation;

/// <summary>
/// Draws segmentation masks over their image with SkiaSharp: each mask tinted in its own colour (half opacity),
/// outlined in that colour, larger masks first so small ones stay visible; prompt points (green foreground, red
/// background) and boxes on top.
/// </summary>
public static class MaskOverlay
{
    /// <summary>The colour of mask <paramref name="index"/>: hues a golden angle apart, so neighbours in the list differ.</summary>
    public static SKColor ColorOf(int index) => SKColor.FromHsv((float)(index * 137.508 % 360), 75, 95);

    /// <summary>Writes the picture to <paramref name="path"/> (PNG).</summary>
    /// <param name="image">The image, uint8 (H, W, 3) RGB.</param>
    /// <param name="masks">Bool masks (H, W), drawn in the colours of their indices.</param>
    /// <param name="path">The PNG to write.</param>
    /// <param name="points">Prompt points (x, y, label 1 foreground / 0 background) in image pixels, or null.</param>
    /// <param name="boxes">Prompt boxes (x0, y0, x1, y1) in image pixels, or null.</param>
    /// <exception cref="ArgumentException">The image is not uint8 (H, W, 3), or a mask is not (H, W).</exception>
    public static void Save(Tensor image, IReadOnlyList<Tensor> masks, string path, IReadOnlyList<(double X, double Y, int Label)>? points = null,
        IReadOnlyList<double[]>? boxes = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(masks);
        if (image.dim() != 3 || image.dtype != ScalarType.Byte || image.size(2) != 3)
        {
            throw new ArgumentException($"A mask overlay needs a uint8 (H, W, 3) image, got {image.dtype} ({string.Join(", ", image.shape)}).", nameof(image));
        }
        var (height, width) = ((int)image.size(0), (int)image.size(1));
        var rgb = image.contiguous().data<byte>();
        var colour = new float[height * width * 3];
        for (var i = 0; i < colour.Length; i++)
        {
            colour[i] = rgb[i];
        }
        // Outlines a few pixels wide on large images, one pixel on small ones.
        var thickness = Math.Max(1, Math.Min(height, width) / 256);
        var order = Enumerable.Range(0, masks.Count).Select(i => (Index: i, Pixels: Pixels(masks[i], height, width)))
            .OrderByDescending(m => m.Pixels.Count(p => p)).ToList();
        foreach (var (index, pixels) in order)
        {
            var c = ColorOf(index);
            var edge = Outline(pixels, height, width, thickness);
            for (var p = 0; p < pixels.Length; p++)
            {
                if (!pixels[p])
                {
                    continue;
                }
                var weight = edge[p] ? 1f : 0.5f;
                colour[3 * p] = (1 - weight) * colour[3 * p] + weight * c.Red;
                colour[3 * p + 1] = (1 - weight) * colour[3 * p + 1] + weight * c.Green;
                colour[3 * p + 2] = (1 - weight) * colour[3 * p + 2] + weight * c.Blue;
            }
        }
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var p = 3 * (y * width + x);
                bitmap.SetPixel(x, y, new SKColor((byte)Math.Round(colour[p]), (byte)Math.Round(colour[p + 1]), (byte)Math.Round(colour[p + 2])));
            }
        }
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var canvas = surface.Canvas;
        using (var picture = SKImage.FromBitmap(bitmap))
        {
            canvas.DrawImage(picture, 0, 0);
        }
        var marker = Math.Max(4f, Math.Min(height, width) / 60f);
        using var stroke = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = Math.Max(2f, marker / 3), IsAntialias = true };
        using var fill = new SKPaint { Style = SKPaintStyle.Fill, IsAntialias = true };
        foreach (var box in boxes ?? [])
        {
            stroke.Color = SKColors.Yellow;
            canvas.DrawRect(new SKRect((float)box[0], (float)box[1], (float)box[2], (float)box[3]), stroke);
        }
        foreach (var (x, y, label) in points ?? [])
        {
            fill.Color = label == 1 ? new SKColor(0, 200, 0) : new SKColor(220, 0, 0);
            canvas.DrawCircle((float)x, (float)y, marker, fill);
            stroke.Color = SKColors.White;
            canvas.DrawCircle((float)x, (float)y, marker, stroke);
        }
        Gallery.ImageGrid.WritePng(surface, path);
    }

    private static bool[] Pixels(Tensor mask, int height, int width)
    {
        if (mask.dim() != 2 || mask.size(0) != height || mask.size(1) != width)
        {
            throw new ArgumentException($"Each mask must be ({height}, {width}) like the image, got ({string.Join(", ", mask.shape)}).", nameof(mask));
        }
        using var set = mask.ne(0);
        return set.contiguous().data<bool>();
    }

    // Mask pixels within `thickness` (Chebyshev distance) of a pixel outside the mask or of the image border: the
    // mask minus its erosion by a (2t + 1)² square, eroded rows then columns with running counts (linear time).
    private static bool[] Outline(bool[] pixels, int height, int width, int thickness)
    {
        var rowsInside = Erode(pixels, height, width, thickness, horizontal: true);
        var inside = Erode(rowsInside, height, width, thickness, horizontal: false);
        return pixels.Select((p, i) => p && !inside[i]).ToArray();
    }

    // Whether every pixel within t along one axis is set (out-of-image counts as unset).
    private static bool[] Erode(bool[] pixels, int height, int width, int t, bool horizontal)
    {
        var (lines, length) = horizontal ? (height, width) : (width, height);
        var result = new bool[pixels.Length];
        var prefix = new int[length + 1];
        for (var line = 0; line < lines; line++)
        {
            int At(int k) => horizontal ? line * width + k : k * width + line;
            for (var k = 0; k < length; k++)
            {
                prefix[k + 1] = prefix[k] + (pixels[At(k)] ? 1 : 0);
            }
            for (var k = 0; k < length; k++)
            {
                var (lo, hi) = (k - t, k + t);
                result[At(k)] = lo >= 0 && hi < length && prefix[hi + 1] - prefix[lo] == 2 * t + 1;
            }
        }
        return result;
    }
}
