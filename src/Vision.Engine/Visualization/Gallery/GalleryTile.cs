namespace Vision.Engine.Visualization.Gallery;

/// <summary>One picture of an image grid with its caption lines.</summary>
/// <param name="Pixels">The image, uint8 in (C, H, W) order with 1 or 3 channels (RGB).</param>
/// <param name="Channels">1 or 3.</param>
/// <param name="Height">Rows.</param>
/// <param name="Width">Columns.</param>
/// <param name="Lines">The caption, one line each.</param>
public sealed record GalleryTile(byte[] Pixels, int Channels, int Height, int Width, IReadOnlyList<string> Lines)
{
    /// <summary>A tile from a uint8 (C, H, W) tensor.</summary>
    public static GalleryTile FromChw(Tensor image, IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.dim() != 3 || image.dtype != ScalarType.Byte || image.size(0) is not (1 or 3))
        {
            throw new ArgumentException($"A gallery tile needs a uint8 (1|3, H, W) image, got {image.dtype} ({string.Join(", ", image.shape)}).", nameof(image));
        }
        return new GalleryTile(image.contiguous().cpu().data<byte>().ToArray(), (int)image.size(0), (int)image.size(1), (int)image.size(2), lines);
    }
}
