namespace Vision.Data.Image;

/// <summary>The formats <see cref="ImageIO"/> encodes to.</summary>
public enum ImageFormat
{
    /// <summary>PNG: lossless.</summary>
    Png = 0,

    /// <summary>JPEG: lossy, with a quality from 1 to 100.</summary>
    Jpeg = 1,
}
