using SkiaSharp;

namespace Vision.Engine.Visualization.Gallery;

/// <summary>
/// Draws images in a grid with SkiaSharp, each enlarged (nearest neighbour, so a 28-px image keeps its pixels) to
/// <see cref="TileSide"/> pixels on its longer side, with its caption lines underneath and a title on top.
/// </summary>
public static class ImageGrid
{
    /// <summary>The longer side of every image in the grid.</summary>
    public const int TileSide = 128;

    private const int Gap = 10;
    private const float FontSize = 12;
    private const float TitleSize = 16;

    /// <summary>Writes <paramref name="tiles"/> in rows of <paramref name="columns"/> as a PNG at <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">There are no tiles or fewer than one column.</exception>
    public static void Save(IReadOnlyList<GalleryTile> tiles, string path, string title, int columns = 6)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        ArgumentNullException.ThrowIfNull(title);
        if (tiles.Count == 0 || columns < 1)
        {
            throw new ArgumentException($"An image grid needs at least one tile and one column, got {tiles.Count} tiles and {columns} columns.");
        }
        columns = Math.Min(columns, tiles.Count);
        var rows = (tiles.Count + columns - 1) / columns;
        var lines = tiles.Max(t => t.Lines.Count);
        var lineHeight = FontSize * 1.35f;
        var cellWidth = TileSide + Gap;
        var cellHeight = TileSide + (int)Math.Ceiling(lines * lineHeight) + Gap;
        var top = (int)(TitleSize * 2);
        using var typeface = SKTypeface.FromFamilyName(ChartRenderer.FontName);
        using var font = new SKFont(typeface, FontSize);
        using var titleFont = new SKFont(typeface, TitleSize);
        // A grid of few tiles widens to its title.
        var width = Math.Max(columns * cellWidth + Gap, (int)Math.Ceiling(titleFont.MeasureText(title)) + 2 * Gap);
        var info = new SKImageInfo(width, top + rows * cellHeight + Gap, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var surface = SKSurface.Create(info);
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawText(title, Gap, TitleSize * 1.4f, SKTextAlign.Left, titleFont, ink);
        var sampling = new SKSamplingOptions(SKFilterMode.Nearest);
        for (var t = 0; t < tiles.Count; t++)
        {
            var tile = tiles[t];
            var x = Gap + t % columns * cellWidth;
            var y = top + t / columns * cellHeight;
            var scale = (float)TileSide / Math.Max(tile.Height, tile.Width);
            using (var image = SKImage.FromBitmap(Bitmap(tile)))
            {
                canvas.DrawImage(image, new SKRect(x, y, x + tile.Width * scale, y + tile.Height * scale), sampling);
            }
            for (var l = 0; l < tile.Lines.Count; l++)
            {
                var text = Fit(tile.Lines[l], font, TileSide);
                canvas.DrawText(text, x, y + TileSide + (l + 1) * lineHeight, SKTextAlign.Left, font, ink);
            }
        }
        WritePng(surface, path);
    }

    /// <summary>Encodes what <paramref name="surface"/> holds as a PNG at <paramref name="path"/>, creating its folder.</summary>
    internal static void WritePng(SKSurface surface, string path)
    {
        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var file = File.Create(path);
        data.SaveTo(file);
    }

    private static SKBitmap Bitmap(GalleryTile tile)
    {
        var bitmap = new SKBitmap(tile.Width, tile.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var plane = tile.Height * tile.Width;
        for (var y = 0; y < tile.Height; y++)
        {
            for (var x = 0; x < tile.Width; x++)
            {
                var i = y * tile.Width + x;
                bitmap.SetPixel(x, y, tile.Channels == 3
                    ? new SKColor(tile.Pixels[i], tile.Pixels[plane + i], tile.Pixels[2 * plane + i])
                    : new SKColor(tile.Pixels[i], tile.Pixels[i], tile.Pixels[i]));
            }
        }
        return bitmap;
    }

    /// <summary>
    /// <paramref name="text"/> broken at spaces into lines no wider than <paramref name="width"/>; a single word wider
    /// than that is cut with an ellipsis.
    /// </summary>
    internal static IReadOnlyList<string> Wrap(string text, SKFont font, float width)
    {
        var lines = new List<string>();
        var line = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var longer = line.Length == 0 ? word : line + " " + word;
            if (line.Length > 0 && font.MeasureText(longer) > width)
            {
                lines.Add(line);
                longer = word;
            }
            line = Fit(longer, font, width);
        }
        lines.Add(line);
        return lines;
    }

    // A caption longer than the tile is cut with an ellipsis.
    internal static string Fit(string text, SKFont font, float width)
    {
        if (font.MeasureText(text) <= width)
        {
            return text;
        }
        while (text.Length > 1 && font.MeasureText(text + "…") > width)
        {
            text = text[..^1];
        }
        return text + "…";
    }
}
