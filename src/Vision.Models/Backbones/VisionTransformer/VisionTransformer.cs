using Vision.Models.Heads;
using Vision.Models.Registry;
using Vision.Models.Weights;
using Vision.Models.Backbones.Transformer;
using Vision.nn;
using F = Vision.nn.functional;

namespace Vision.Models.Backbones;

/// <summary>
/// The Vision Transformer (Dosovitskiy et al., "An Image is Worth 16x16 Words"), laid out as timm's
/// VisionTransformer so its checkpoints load by key: images are cut into patches (<c>patch_embed.proj</c>), a learned
/// class token (<c>cls_token</c>) is prepended, a learned position embedding for every token (<c>pos_embed</c>,
/// (1, 1 + grid², D)) is added, and pre-norm blocks (<c>blocks.i</c>) run, followed by a final LayerNorm (<c>norm</c>).
/// </summary>
/// <remarks>
/// <para>
/// Each block is a stage for <see cref="Backbone.out_indices"/>; a stage's output is its class-token feature (N, D)
/// (MMPreTrain's out_type 'cls_token'), taken after the final norm for the last block. The default returns only the
/// last, which is what a linear classification head on the class token expects.
/// </para>
/// <para>
/// Inputs of another size than <see cref="img_size"/> work when both sides are multiples of the patch: the position
/// embedding is resized to their grid on the fly with <see cref="ResizePosEmbed"/>, as MMPreTrain's ViT does.
/// </para>
/// <para>
/// <see cref="Backbone.frozen_stages"/> = k freezes the patch embedding, class token, position embedding and blocks
/// 0..k-1 (and the final norm when k is the depth), as MMPreTrain does.
/// </para>
/// </remarks>
public sealed class VisionTransformer : Backbone, IModelFamily, IAdaptsPretrainedWeights
{
    // timm/DeiT widths: (embed, depth, heads, mlp). 'small' is DeiT-S (384 wide), not MMPreTrain's older 768-wide 'small'.
    private static readonly Dictionary<string, (long Embed, int Depth, long Heads, long Mlp)> Archs = new()
    {
        ["tiny"] = (192, 12, 3, 768),
        ["small"] = (384, 12, 6, 1536),
        ["base"] = (768, 12, 12, 3072),
        ["large"] = (1024, 24, 16, 4096),
    };

    /// <summary>Creates a ViT with explicit sizes (see <see cref="Create"/> for the standard ones).</summary>
    /// <param name="img_size">The square image side the position embedding is learned for; a multiple of <paramref name="patch_size"/>.</param>
    /// <param name="patch_size">Patch side in pixels.</param>
    /// <param name="embed_dim">Token width D.</param>
    /// <param name="depth">Number of blocks.</param>
    /// <param name="num_heads">Attention heads per block.</param>
    /// <param name="mlp_dim">Hidden width of each block's MLP.</param>
    /// <param name="in_channels">Image channels.</param>
    /// <param name="qkv_bias">Whether the q, k, v projections have a bias.</param>
    /// <param name="drop_rate">Dropout after the position embedding and in the blocks' projections and MLPs.</param>
    /// <param name="attn_drop_rate">Dropout on the attention weights.</param>
    /// <param name="drop_path_rate">Stochastic depth of the last block; block i gets rate · i / (depth − 1).</param>
    /// <param name="out_indices">Blocks whose class-token features to return (default: the last).</param>
    /// <param name="frozen_stages">Blocks to freeze, with the embeddings (-1: none).</param>
    /// <param name="final_norm">Whether a LayerNorm follows the last block.</param>
    /// <exception cref="ArgumentException">The image size is not a multiple of the patch size, or another setting is invalid.</exception>
    public VisionTransformer(long img_size, long patch_size, long embed_dim, int depth, long num_heads, long mlp_dim, long in_channels = 3,
        bool qkv_bias = true, double drop_rate = 0, double attn_drop_rate = 0, double drop_path_rate = 0, IReadOnlyList<int>? out_indices = null,
        int frozen_stages = -1, bool final_norm = true)
        : base(PositiveDepth(depth), out_indices ?? [-1], frozen_stages)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embed_dim);
        if (img_size <= 0 || patch_size <= 0 || img_size % patch_size != 0)
        {
            throw new ArgumentException($"The image size {img_size} is not divisible by the patch size {patch_size}.", nameof(img_size));
        }
        this.img_size = img_size;
        this.embed_dim = embed_dim;
        this.final_norm = final_norm;
        grid = img_size / patch_size;

        register_parameter("cls_token", torch.zeros(1, 1, embed_dim));
        register_parameter("pos_embed", torch.zeros(1, 1 + grid * grid, embed_dim));
        patch_embed = register_module("patch_embed", new PatchEmbed(patch_size, in_channels, embed_dim));
        pos_drop = register_module("pos_drop", new Dropout(drop_rate));
        var rates = DropPathSchedule.Linear(drop_path_rate, depth);
        blocks = register_module("blocks", new ModuleList<TransformerBlock>(
            rates.Select(rate => new TransformerBlock(embed_dim, num_heads, mlp_dim, qkv_bias, drop_rate, attn_drop_rate, rate))));
        norm = final_norm ? register_module("norm", new LayerNorm(embed_dim, 1e-6)) : null;

        init.trunc_normal_(pos_embed, std: 0.02);
        // A near-zero class token starts as "no content": its feature is built by attention alone.
        init.normal_(cls_token, std: 1e-6);
        TimmInit.TruncNormalLinears(this);
        FreezeStages();
    }

    // Checked before the base constructor, whose out_indices check would otherwise report an empty model confusingly.
    private static int PositiveDepth(int depth)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(depth);
        return depth;
    }

    /// <summary>
    /// A standard ViT: <paramref name="arch"/> "tiny" (192 wide, 12 blocks, 3 heads), "small" (DeiT-S: 384, 12, 6),
    /// "base" (768, 12, 12) or "large" (1024, 24, 16), MLP 4·D, with patches of <paramref name="patch_size"/> (16 or 32
    /// in the published models) for <paramref name="img_size"/> images. Names as timm: vit_{arch}_patch{p}_{img}.
    /// </summary>
    /// <exception cref="ArgumentException">The arch is unknown or the image size is not a multiple of the patch size.</exception>
    public static VisionTransformer Create(string arch, long patch_size = 16, long img_size = 224, double drop_rate = 0, double attn_drop_rate = 0,
        double drop_path_rate = 0, IReadOnlyList<int>? out_indices = null, int frozen_stages = -1)
    {
        if (!Archs.TryGetValue(arch, out var a))
        {
            throw new ArgumentException($"Unknown ViT arch '{arch}'; expected one of {string.Join(", ", Archs.Keys)}.", nameof(arch));
        }
        return new VisionTransformer(img_size, patch_size, a.Embed, a.Depth, a.Heads, a.Mlp, drop_rate: drop_rate, attn_drop_rate: attn_drop_rate,
            drop_path_rate: drop_path_rate, out_indices: out_indices, frozen_stages: frozen_stages);
    }

    // timm's published ViTs: (name, arch, patch, timm alias).
    private static readonly (string Name, string Arch, long Patch, string Alias)[] Published =
    [
        ("vit-tiny-p16", "tiny", 16, "vit_tiny_patch16_224"),
        ("vit-small-p16", "small", 16, "vit_small_patch16_224"),
        ("vit-base-p16", "base", 16, "vit_base_patch16_224"),
        ("vit-base-p32", "base", 32, "vit_base_patch32_224"),
        ("vit-large-p16", "large", 16, "vit_large_patch16_224"),
    ];

    /// <summary>Registers the published ViTs; timm checkpoints load through <see cref="KeyMaps.TimmViT"/>.</summary>
    static void IModelFamily.RegisterModels()
    {
        foreach (var (name, arch, patch, alias) in Published)
        {
            ModelRegistry.Register(new ModelInfo(name, options => Build(arch, patch, options), $"ViT-{char.ToUpperInvariant(arch[0])}/{patch} (timm {alias})")
            {
                Aliases = [alias],
                PretrainedKeyMap = KeyMaps.TimmViT,
            });
        }
    }

    private static ImageClassifier Build(string arch, long patch, ModelOptions options)
    {
        var backbone = Create(arch, patch, options.ImageSize, drop_rate: options.DropRate,
            attn_drop_rate: options.GetDouble("attn_drop_rate", 0), drop_path_rate: options.DropPathRate,
            out_indices: options.GetInts("out_indices"), frozen_stages: (int)options.GetInt("frozen_stages", -1));
        var hidden = options.GetInt("hidden_dim", 0);
        return new ImageClassifier(backbone, null, new VisionTransformerClsHead(options.NumClasses, backbone.embed_dim, hidden > 0 ? hidden : null), options.Loss);
    }

    /// <summary>The image side the position embedding was built for.</summary>
    public long img_size { get; }

    /// <summary>Patches per image side at <see cref="img_size"/>.</summary>
    public long grid { get; }

    /// <summary>Token width D.</summary>
    public long embed_dim { get; }

    /// <summary>Whether the final LayerNorm exists.</summary>
    public bool final_norm { get; }

    /// <summary>The learned class token, (1, 1, D).</summary>
    public Tensor cls_token => GetParameter("cls_token")!;

    /// <summary>The learned position embedding, (1, 1 + grid², D): the class token's entry first, then the grid row by row.</summary>
    public Tensor pos_embed => GetParameter("pos_embed")!;

    /// <summary>The patch projection.</summary>
    public PatchEmbed patch_embed { get; }

    /// <summary>Dropout after adding the position embedding.</summary>
    public Dropout pos_drop { get; }

    /// <summary>The transformer blocks.</summary>
    public ModuleList<TransformerBlock> blocks { get; }

    /// <summary>The final LayerNorm, or null without <see cref="final_norm"/>.</summary>
    public LayerNorm? norm { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long> out_channels => out_indices.Select(_ => embed_dim).ToArray();

    /// <summary>
    /// Resamples a position embedding (1, 1 + old grid, D) to a <paramref name="new_grid"/> of patches: the class
    /// token's entry is kept, the grid entries are reshaped to (1, D, rows, cols), bicubic-interpolated and flattened
    /// back. <paramref name="old_grid"/> defaults to the square grid the length implies. Computed in float32 and
    /// returned in the input's dtype.
    /// </summary>
    /// <remarks>
    /// Convention: MMPreTrain's (bicubic, align_corners=False, no antialias), which is also what timm did before 0.9.
    /// torchvision's align_corners=True moves the grid's outer entries onto the new corners, and timm ≥ 0.9's
    /// antialiased bicubic uses a different cubic kernel (a = −0.5) even when enlarging; we follow MMPreTrain because
    /// Vision's models and recipes follow it, so a checkpoint fine-tuned there at another size started from exactly
    /// these values.
    /// </remarks>
    /// <exception cref="ArgumentException">The embedding is not (1, 1 + rows·cols, D) for the old grid, or the new grid is empty.</exception>
    public static Tensor ResizePosEmbed(Tensor pos_embed, Pair new_grid, Pair? old_grid = null)
    {
        if (pos_embed.dim() != 3 || pos_embed.size(0) != 1 || pos_embed.size(1) < 2)
        {
            throw new ArgumentException($"A position embedding is (1, 1 + grid tokens, D), got shape [{string.Join(", ", pos_embed.shape)}].", nameof(pos_embed));
        }
        if (new_grid.H <= 0 || new_grid.W <= 0)
        {
            throw new ArgumentException($"The new grid {new_grid} must have positive sides.", nameof(new_grid));
        }
        var gridTokens = pos_embed.size(1) - 1;
        var old = old_grid ?? SquareGrid(gridTokens);
        if (old.H * old.W != gridTokens)
        {
            throw new ArgumentException($"The position embedding has {gridTokens} grid tokens, which is not a {old.H}x{old.W} grid.", nameof(old_grid));
        }
        var width = pos_embed.size(2);
        using var scope = torch.NewDisposeScope();
        var source = pos_embed.to(torch.float32);
        var cls = source.narrow(1, 0, 1);
        var image = source.narrow(1, 1, gridTokens).reshape(1, old.H, old.W, width).permute(0, 3, 1, 2);
        var resized = F.interpolate(image, size: new_grid.ToArray(), mode: InterpolationMode.Bicubic, align_corners: false);
        var tokens = resized.permute(0, 2, 3, 1).reshape(1, new_grid.H * new_grid.W, width);
        return torch.cat([cls, tokens], 1).to(pos_embed.dtype).MoveToOuterDisposeScope();
    }

    private static Pair SquareGrid(long gridTokens)
    {
        var side = (long)Math.Round(Math.Sqrt(gridTokens));
        return side * side == gridTokens
            ? new Pair(side, side)
            : throw new ArgumentException($"The position embedding has {gridTokens} grid tokens, not a square number; give the old grid.", nameof(gridTokens));
    }

    /// <summary>
    /// Adapts a pretrained state-dict entry (key relative to this backbone) to this model before loading: a
    /// <c>pos_embed</c> learned for another square grid is resized to this model's grid with <see cref="ResizePosEmbed"/>
    /// (e.g. 224-px weights into a 384-px model). Returns the new tensor (the caller owns it), or null when the entry
    /// needs nothing; an entry that cannot be adapted is left for the loader to report as a size mismatch.
    /// </summary>
    public Tensor? AdaptPretrainedWeight(string key, Tensor value)
    {
        var adaptable = key == "pos_embed" && value.dim() == 3 && value.size(0) == 1 && value.size(2) == embed_dim
            && value.size(1) != pos_embed.size(1);
        return adaptable ? ResizePosEmbed(value, grid) : null;
    }

    /// <inheritdoc />
    public override Tensor[] forward(Tensor input)
    {
        if (input.dim() != 4)
        {
            throw new ArgumentException($"VisionTransformer expects (N, C, H, W) images, got shape [{string.Join(", ", input.shape)}].", nameof(input));
        }
        var inputGrid = patch_embed.GridFor(input.size(2), input.size(3));
        using var scope = torch.NewDisposeScope();
        var batch = input.size(0);
        var tokens = torch.cat([cls_token.expand(batch, 1, embed_dim), patch_embed.forward(input)], 1);
        var position = inputGrid == new Pair(grid, grid) ? pos_embed : ResizePosEmbed(pos_embed, inputGrid);
        var x = pos_drop.forward(tokens.add(position));
        var outputs = new Tensor[out_indices.Count];
        // Blocks after the last requested one cannot change the outputs, so they are not run.
        var last = out_indices.Max();
        for (var i = 0; i <= last; i++)
        {
            x = blocks[i].forward(x);
            if (i == blocks.Count - 1 && norm is not null)
            {
                x = norm.forward(x);
            }
            for (var k = 0; k < outputs.Length; k++)
            {
                if (out_indices[k] == i)
                {
                    outputs[k] = x.select(1, 0);
                }
            }
        }
        return outputs.Select(o => o.MoveToOuterDisposeScope()).ToArray();
    }

    /// <inheritdoc />
    protected override IEnumerable<Module> FrozenModules()
    {
        if (frozen_stages < 0)
        {
            yield break;
        }
        yield return patch_embed;
        yield return pos_drop;
        for (var i = 0; i < frozen_stages; i++)
        {
            yield return blocks[i];
        }
        if (frozen_stages == blocks.Count && norm is not null)
        {
            yield return norm;
        }
    }

    /// <inheritdoc />
    protected override IEnumerable<Tensor> FrozenParameters() => frozen_stages < 0 ? [] : [cls_token, pos_embed];
}
