using Vision.nn;

namespace Vision.Models.Segmentation.Sam;

/// <summary>
/// A pre-norm transformer block of SAM's image encoder on (N, H, W, C) grids: attention either within
/// <see cref="window_size"/>-square windows (the grid zero-padded to whole windows, the padding cropped after) or over
/// the whole grid (<see cref="window_size"/> 0), then the MLP; both residual.
/// </summary>
public sealed class ImageEncoderBlock : Module<Tensor, Tensor>
{
    /// <summary>A block for a <paramref name="input_size"/> grid.</summary>
    /// <param name="dim">Token width.</param>
    /// <param name="num_heads">Attention heads.</param>
    /// <param name="mlp_ratio">Hidden width of the MLP over <paramref name="dim"/>.</param>
    /// <param name="window_size">Window side for windowed attention, or 0 for global attention.</param>
    /// <param name="input_size">The token grid of the whole image (sizes the global blocks' position tables).</param>
    /// <param name="qkv_bias">Whether the q, k, v projection has a bias.</param>
    /// <param name="use_rel_pos">Whether attention adds decomposed relative positions.</param>
    public ImageEncoderBlock(long dim, long num_heads, double mlp_ratio, long window_size, Pair input_size, bool qkv_bias = true, bool use_rel_pos = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(window_size);
        this.window_size = window_size;
        norm1 = register_module("norm1", new LayerNorm(dim, 1e-6));
        attn = register_module("attn", new RelativePositionAttention(dim, num_heads, window_size == 0 ? input_size : new Pair(window_size, window_size), qkv_bias, use_rel_pos));
        norm2 = register_module("norm2", new LayerNorm(dim, 1e-6));
        mlp = register_module("mlp", new SamMlpBlock(dim, (long)(dim * mlp_ratio)));
    }

    /// <summary>Window side, or 0 for global attention.</summary>
    public long window_size { get; }

    /// <summary>The norm before attention.</summary>
    public LayerNorm norm1 { get; }

    /// <summary>The attention.</summary>
    public RelativePositionAttention attn { get; }

    /// <summary>The norm before the MLP.</summary>
    public LayerNorm norm2 { get; }

    /// <summary>The MLP.</summary>
    public SamMlpBlock mlp { get; }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = norm1.forward(input);
        if (window_size > 0)
        {
            var (height, width) = (x.size(1), x.size(2));
            var (windows, paddedHeight, paddedWidth) = Partition(x, window_size);
            x = Unpartition(attn.forward(windows), window_size, paddedHeight, paddedWidth, height, width);
        }
        else
        {
            x = attn.forward(x);
        }
        x = input + x;
        return (x + mlp.forward(norm2.forward(x))).MoveToOuterDisposeScope();
    }

    // (N, H, W, C) → (N·nH·nW, ws, ws, C) after zero-padding bottom and right to whole windows.
    private static (Tensor Windows, long PaddedHeight, long PaddedWidth) Partition(Tensor x, long ws)
    {
        var (n, h, w, c) = (x.size(0), x.size(1), x.size(2), x.size(3));
        var (padH, padW) = ((ws - h % ws) % ws, (ws - w % ws) % ws);
        if (padH > 0 || padW > 0)
        {
            x = functional.pad(x, [0, 0, 0, padW, 0, padH]);
        }
        var (hp, wp) = (h + padH, w + padW);
        var windows = x.view(n, hp / ws, ws, wp / ws, ws, c).permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, ws, ws, c);
        return (windows, hp, wp);
    }

    // The inverse of Partition, cropping the padding.
    private static Tensor Unpartition(Tensor windows, long ws, long hp, long wp, long h, long w)
    {
        var n = windows.size(0) / (hp * wp / ws / ws);
        var x = windows.view(n, hp / ws, wp / ws, ws, ws, -1).permute(0, 1, 3, 2, 4, 5).contiguous().view(n, hp, wp, -1);
        return hp > h || wp > w ? x.slice(1, 0, h).slice(2, 0, w).contiguous() : x;
    }
}
