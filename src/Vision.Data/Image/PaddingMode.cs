namespace Vision.Data.Image;

/// <summary>How padding fills the new border (torchvision's <c>padding_mode</c>).</summary>
public enum PaddingMode
{
    /// <summary>A constant value per channel.</summary>
    Constant = 0,

    /// <summary>Repeats the edge pixel: aaa|abcd|ddd.</summary>
    Edge = 1,

    /// <summary>Mirrors without repeating the edge pixel: cb|abcd|cb.</summary>
    Reflect = 2,

    /// <summary>Mirrors including the edge pixel: ba|abcd|dc.</summary>
    Symmetric = 3,
}
