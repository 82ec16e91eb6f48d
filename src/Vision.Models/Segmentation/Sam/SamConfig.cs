namespace Vision.Models.Segmentation.Sam;

/// <summary>
/// The sizes of a Segment Anything model: its ViT image encoder and the prompt encoder and mask decoder it shares
/// across variants. <see cref="VitB"/>, <see cref="VitL"/> and <see cref="VitH"/> are the published ones; smaller
/// configurations build the same architecture for tests and experiments.
/// </summary>
public sealed record SamConfig
{
    /// <summary>SAM ViT-B: width 768, 12 blocks, 12 heads, global attention in blocks 2, 5, 8, 11 (93,735,472 parameters).</summary>
    public static SamConfig VitB { get; } = new() { EncoderEmbedDim = 768, EncoderDepth = 12, EncoderNumHeads = 12, GlobalAttentionIndexes = [2, 5, 8, 11] };

    /// <summary>SAM ViT-L: width 1024, 24 blocks, 16 heads, global attention in blocks 5, 11, 17, 23 (312,342,832 parameters).</summary>
    public static SamConfig VitL { get; } = new() { EncoderEmbedDim = 1024, EncoderDepth = 24, EncoderNumHeads = 16, GlobalAttentionIndexes = [5, 11, 17, 23] };

    /// <summary>SAM ViT-H: width 1280, 32 blocks, 16 heads, global attention in blocks 7, 15, 23, 31 (641,090,608 parameters).</summary>
    public static SamConfig VitH { get; } = new() { EncoderEmbedDim = 1280, EncoderDepth = 32, EncoderNumHeads = 16, GlobalAttentionIndexes = [7, 15, 23, 31] };

    /// <summary>Side of the square encoder input in pixels (images are resized and padded to it).</summary>
    public long ImageSize { get; init; } = 1024;

    /// <summary>Patch side of the encoder's stem.</summary>
    public long PatchSize { get; init; } = 16;

    /// <summary>Encoder token width.</summary>
    public long EncoderEmbedDim { get; init; } = 768;

    /// <summary>Encoder blocks.</summary>
    public long EncoderDepth { get; init; } = 12;

    /// <summary>Encoder attention heads.</summary>
    public long EncoderNumHeads { get; init; } = 12;

    /// <summary>Blocks (0-based) that attend over the whole grid; the others attend within windows.</summary>
    public IReadOnlyList<long> GlobalAttentionIndexes { get; init; } = [2, 5, 8, 11];

    /// <summary>Window side of the windowed blocks, in tokens.</summary>
    public long WindowSize { get; init; } = 14;

    /// <summary>Encoder MLP width over the token width.</summary>
    public double MlpRatio { get; init; } = 4;

    /// <summary>Width of the image embedding, the prompt embeddings and the decoder's transformer.</summary>
    public long PromptEmbedDim { get; init; } = 256;

    /// <summary>Channels of the mask-prompt downscaler's last hidden map.</summary>
    public long MaskInChans { get; init; } = 16;

    /// <summary>Two-way transformer blocks.</summary>
    public long DecoderDepth { get; init; } = 2;

    /// <summary>Two-way transformer MLP width.</summary>
    public long DecoderMlpDim { get; init; } = 2048;

    /// <summary>Two-way transformer attention heads.</summary>
    public long DecoderNumHeads { get; init; } = 8;

    /// <summary>Masks of the multimask output (the single-mask output comes on top).</summary>
    public long NumMultimaskOutputs { get; init; } = 3;

    /// <summary>Layers of the IoU prediction head.</summary>
    public long IouHeadDepth { get; init; } = 3;

    /// <summary>Hidden width of the IoU prediction head.</summary>
    public long IouHeadHiddenDim { get; init; } = 256;

    /// <summary>Side of the image embedding grid (image size over patch size).</summary>
    public long EmbeddingSize => ImageSize / PatchSize;

    /// <summary>Checks that the sizes fit together.</summary>
    /// <exception cref="ArgumentException">A size is not positive, the image does not split into patches, or a global index is out of range.</exception>
    public void Validate()
    {
        long[] positive = [ImageSize, PatchSize, EncoderEmbedDim, EncoderDepth, EncoderNumHeads, PromptEmbedDim, MaskInChans, DecoderDepth, DecoderMlpDim, DecoderNumHeads, NumMultimaskOutputs, IouHeadDepth, IouHeadHiddenDim];
        if (positive.Any(v => v <= 0) || WindowSize < 0 || MlpRatio <= 0)
        {
            throw new ArgumentException($"SamConfig: every size must be positive (window size may be 0): {this}.");
        }
        if (ImageSize % PatchSize != 0)
        {
            throw new ArgumentException($"SamConfig: the image size {ImageSize} is not a multiple of the patch size {PatchSize}.");
        }
        if (MaskInChans % 4 != 0)
        {
            throw new ArgumentException($"SamConfig: MaskInChans {MaskInChans} must be a multiple of 4 (the first downscaling conv has a quarter of them).");
        }
        if (GlobalAttentionIndexes.Any(i => i < 0 || i >= EncoderDepth))
        {
            throw new ArgumentException($"SamConfig: global attention indexes [{string.Join(", ", GlobalAttentionIndexes)}] must lie in 0..{EncoderDepth - 1}.");
        }
    }
}
