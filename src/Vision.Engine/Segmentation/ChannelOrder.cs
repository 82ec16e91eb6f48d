namespace Vision.Engine.Segmentation;

/// <summary>The order of the three colour channels of an (H, W, 3) image.</summary>
public enum ChannelOrder
{
    /// <summary>Red, green, blue (what <c>ImageIO.Read</c> returns).</summary>
    Rgb = 0,

    /// <summary>Blue, green, red (OpenCV's order).</summary>
    Bgr = 1,
}
