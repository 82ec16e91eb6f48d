namespace Vision.Engine.Segmentation;

/// <summary>One mask found by <see cref="SamAutomaticMaskGenerator"/>, with the official annotation's fields.</summary>
public sealed class SamMask : IDisposable
{
    /// <summary>The mask as uncompressed RLE (always set).</summary>
    public required MaskRle Rle { get; init; }

    /// <summary>The bool (H, W) mask, with <see cref="SamOutputMode.BinaryMask"/>.</summary>
    public Tensor? Mask { get; init; }

    /// <summary>COCO's compressed counts string, with <see cref="SamOutputMode.CocoRle"/>.</summary>
    public string? CocoCounts { get; init; }

    /// <summary>Pixels in the mask.</summary>
    public long Area => Rle.Area;

    /// <summary>The mask's box as x, y, width, height (inclusive pixel box: width = x1 − x0).</summary>
    public required double[] Bbox { get; init; }

    /// <summary>The model's IoU prediction for the mask.</summary>
    public required double PredictedIou { get; init; }

    /// <summary>The (x, y) prompt point, in image pixels, that produced the mask.</summary>
    public required double[] PointCoords { get; init; }

    /// <summary>The stability score of the mask's logits.</summary>
    public required double StabilityScore { get; init; }

    /// <summary>The crop the mask was found in, as x, y, width, height.</summary>
    public required long[] CropBox { get; init; }

    /// <summary>Frees <see cref="Mask"/>.</summary>
    public void Dispose() => Mask?.Dispose();
}
