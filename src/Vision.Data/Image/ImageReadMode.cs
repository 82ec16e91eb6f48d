namespace Vision.Data.Image;

/// <summary>The channels <see cref="ImageIO"/> decodes to.</summary>
public enum ImageReadMode
{
    /// <summary>Three channels, RGB: grayscale is repeated, alpha dropped (PIL's <c>convert("RGB")</c>).</summary>
    Rgb = 0,

    /// <summary>One channel of luma: the codec converts colour images with ITU-R 601 weights (0.299 R + 0.587 G + 0.114 B, ±1 level of rounding).</summary>
    Grayscale = 1,
}
