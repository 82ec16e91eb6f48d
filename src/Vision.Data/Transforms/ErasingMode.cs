namespace Vision.Data.Transforms;

/// <summary>What <see cref="RandomErasing"/> writes into an erased box (timm's <c>mode</c>).</summary>
public enum ErasingMode
{
    /// <summary>Zeros, i.e. the mean colour of the normalised image.</summary>
    Const = 0,

    /// <summary>One standard-normal value per channel for the whole box.</summary>
    Rand = 1,

    /// <summary>An independent standard-normal value per pixel and channel.</summary>
    Pixel = 2,
}
