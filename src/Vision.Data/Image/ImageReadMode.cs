namespace Vision.Data.Image;

/// <summary>The channels <see cref="ImageIO"/> decodes to.</summary>
public enum ImageReadMode
{
    /// <summary>Three channels, RGB: grayscale is repeated, alpha dropped (PIL's <c>convert("RGB")</c>).</summary>
    Rgb = 0,

    /// <summary>One channel of luma (colour images are converted with OpenCV's 0.299/0.587/0.114 weights).</summary>
    Grayscale = 1,
}
