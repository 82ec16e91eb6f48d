namespace Vision.Engine.Segmentation;

/// <summary>How <see cref="SamAutomaticMaskGenerator"/> hands back each mask's segmentation (the official output_mode).</summary>
public enum SamOutputMode
{
    /// <summary>A bool (H, W) tensor in <see cref="SamMask.Mask"/> ("binary_mask").</summary>
    BinaryMask = 0,

    /// <summary>Only the uncompressed RLE in <see cref="SamMask.Rle"/> ("uncompressed_rle").</summary>
    UncompressedRle = 1,

    /// <summary>COCO's compressed counts string in <see cref="SamMask.CocoCounts"/> ("coco_rle").</summary>
    CocoRle = 2,
}
