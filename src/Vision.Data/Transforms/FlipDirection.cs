namespace Vision.Data.Transforms;

/// <summary>The mirror axis of <see cref="RandomFlip"/>.</summary>
public enum FlipDirection
{
    /// <summary>Left-right.</summary>
    Horizontal = 0,

    /// <summary>Top-bottom.</summary>
    Vertical = 1,
}
