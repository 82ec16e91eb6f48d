using Vision.Models.Backbones.Transformer;
using Vision.nn;

namespace Vision.Models.Segmentation.Sam;

/// <summary>
/// SAM's image encoder: a plain ViT (16-pixel patches, absolute position embedding over the 64×64 grid, blocks with
/// windowed or global attention and decomposed relative positions) and a neck (1×1 conv, LayerNorm2d, 3×3 conv,
/// LayerNorm2d) to the (N, 256, 64, 64) image embedding. Keys are the official <c>image_encoder.*</c> ones without
/// the prefix.
/// </summary>
public sealed class ImageEncoderViT : Module<Tensor, Tensor>
{
    /// <summary>The encoder of <paramref name="config"/>.</summary>
    public ImageEncoderViT(SamConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        img_size = config.ImageSize;
        var grid = config.EmbeddingSize;
        var dim = config.EncoderEmbedDim;
        patch_embed = register_module("patch_embed", new PatchEmbed(config.PatchSize, 3, dim));
        // Zero-initialised, as the official model (pretrained checkpoints overwrite it).
        register_parameter("pos_embed", torch.zeros(1, grid, grid, dim));
        blocks = register_module("blocks", new ModuleList<ImageEncoderBlock>(
            Enumerable.Range(0, (int)config.EncoderDepth).Select(i => new ImageEncoderBlock(
                dim, config.EncoderNumHeads, config.MlpRatio, config.GlobalAttentionIndexes.Contains(i) ? 0 : config.WindowSize, new Pair(grid, grid)))));
        var outChans = config.PromptEmbedDim;
        neck = register_module("neck", new Sequential(
            new Conv2d(dim, outChans, 1, bias: false),
            new LayerNorm2d(outChans),
            new Conv2d(outChans, outChans, 3, padding: 1, bias: false),
            new LayerNorm2d(outChans)));
    }

    /// <summary>Side of the square input in pixels.</summary>
    public long img_size { get; }

    /// <summary>The patch stem.</summary>
    public PatchEmbed patch_embed { get; }

    /// <summary>Absolute position embedding (1, grid, grid, C).</summary>
    public Tensor pos_embed => GetParameter("pos_embed")!;

    /// <summary>The transformer blocks.</summary>
    public ModuleList<ImageEncoderBlock> blocks { get; }

    /// <summary>The neck to the embedding width.</summary>
    public Sequential neck { get; }

    /// <summary>The image embedding (N, 256, grid, grid) of normalized, padded images (N, 3, img_size, img_size).</summary>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 4 || input.size(1) != 3 || input.size(2) != img_size || input.size(3) != img_size)
        {
            throw new ArgumentException($"ImageEncoderViT expects (N, 3, {img_size}, {img_size}) images, got [{string.Join(", ", input.shape)}].", nameof(input));
        }
        using var scope = torch.NewDisposeScope();
        var x = patch_embed.proj.forward(input).permute(0, 2, 3, 1) + pos_embed;
        foreach (var block in blocks)
        {
            x = block.forward(x);
        }
        return neck.forward(x.permute(0, 3, 1, 2)).MoveToOuterDisposeScope();
    }
}
