using Vision.Analysis;
using Vision.nn;

namespace Vision.Models.Segmentation.Sam;

/// <summary>
/// Multi-head self-attention over a (N, H, W, C) grid with decomposed relative position embeddings (MViTv2, as SAM's
/// image encoder uses them): the attention logit between query (h, w) and key (h', w') gets
/// <c>q·R_h[h − h'] + q·R_w[w − w']</c> from two learned tables of 2·size − 1 rows.
/// </summary>
public sealed class RelativePositionAttention : Module<Tensor, Tensor>
{
    /// <summary>Attention for grids of <paramref name="input_size"/> (the window for windowed blocks, the whole grid otherwise).</summary>
    /// <param name="dim">Token width.</param>
    /// <param name="num_heads">Attention heads; must divide <paramref name="dim"/>.</param>
    /// <param name="input_size">The (H, W) grid the relative position tables are sized for.</param>
    /// <param name="qkv_bias">Whether the q, k, v projection has a bias.</param>
    /// <param name="use_rel_pos">Whether the relative position tables exist and are added.</param>
    public RelativePositionAttention(long dim, long num_heads, Pair input_size, bool qkv_bias = true, bool use_rel_pos = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(num_heads);
        if (dim % num_heads != 0)
        {
            throw new ArgumentException($"The width {dim} is not divisible by the number of heads {num_heads}.", nameof(num_heads));
        }
        this.num_heads = num_heads;
        head_dim = dim / num_heads;
        this.use_rel_pos = use_rel_pos;
        qkv = register_module("qkv", new Linear(dim, 3 * dim, qkv_bias));
        proj = register_module("proj", new Linear(dim, dim));
        if (use_rel_pos)
        {
            // Zero-initialised, as the official model (the tables are learned from there).
            register_parameter("rel_pos_h", torch.zeros(2 * input_size.H - 1, head_dim));
            register_parameter("rel_pos_w", torch.zeros(2 * input_size.W - 1, head_dim));
        }
    }

    /// <summary>Attention heads.</summary>
    public long num_heads { get; }

    /// <summary>Width of one head.</summary>
    public long head_dim { get; }

    /// <summary>Whether relative positions are added.</summary>
    public bool use_rel_pos { get; }

    /// <summary>The joint q, k, v projection.</summary>
    public Linear qkv { get; }

    /// <summary>The output projection.</summary>
    public Linear proj { get; }

    /// <summary>Relative position table along the height (2·H − 1, head_dim), when <see cref="use_rel_pos"/>.</summary>
    public Tensor? rel_pos_h => GetParameter("rel_pos_h");

    /// <summary>Relative position table along the width (2·W − 1, head_dim), when <see cref="use_rel_pos"/>.</summary>
    public Tensor? rel_pos_w => GetParameter("rel_pos_w");

    /// <summary>Attends within each (N, H, W, C) grid; the output has the input's shape.</summary>
    public override Tensor forward(Tensor input)
    {
        var (batch, height, width) = (input.size(0), input.size(1), input.size(2));
        var tokens = height * width;
        using var scope = torch.NewDisposeScope();
        // (N, H·W, 3, heads, d) → (3, N·heads, H·W, d).
        var qkvHeads = qkv.forward(input).reshape(batch, tokens, 3, num_heads, head_dim).permute(2, 0, 3, 1, 4).reshape(3, batch * num_heads, tokens, head_dim);
        var (q, k, v) = (qkvHeads.select(0, 0), qkvHeads.select(0, 1), qkvHeads.select(0, 2));
        var attn = (q * Math.Pow(head_dim, -0.5)).matmul(k.transpose(-2, -1));
        if (use_rel_pos)
        {
            AddDecomposedRelativePositions_(attn, q, height, width);
        }
        // A global block's (B·heads, 4096, 4096) logits take 1 GiB at 1024 px: free them as soon as the softmax is
        // taken instead of at the end of the scope (the matmul's backward needs q and k, not its output).
        var weights = attn.softmax(-1);
        attn.Dispose();
        var heads = weights.matmul(v).view(batch, num_heads, height, width, head_dim).permute(0, 2, 3, 1, 4).reshape(batch, height, width, -1);
        weights.Dispose();
        MacCounter.Add(2 * batch * num_heads * tokens * tokens * head_dim, this);
        return proj.forward(heads).MoveToOuterDisposeScope();
    }

    // Adds to attn (B, H·W, H·W), in place, the height and width terms: each q (unscaled) against the table rows for
    // every offset.
    private void AddDecomposedRelativePositions_(Tensor attn, Tensor q, long height, long width)
    {
        var rh = RelativeRows(rel_pos_h!, height);
        var rw = RelativeRows(rel_pos_w!, width);
        var b = q.size(0);
        var rq = q.reshape(b, height, width, head_dim);
        var relH = torch.einsum("bhwc,hkc->bhwk", rq, rh);
        var relW = torch.einsum("bhwc,wkc->bhwk", rq, rw);
        using var grid = attn.view(b, height, width, height, width);
        grid.add_(relH.unsqueeze(4)).add_(relW.unsqueeze(3));
    }

    // The (size, size, C) table of rows for offsets q − k, shifted by size − 1 to index from 0.
    private static Tensor RelativeRows(Tensor table, long size)
    {
        if (table.size(0) != 2 * size - 1)
        {
            throw new ArgumentException(
                $"The relative position table has {table.size(0)} rows but a {size}-long side needs {2 * size - 1}: the attention was built for another input size.");
        }
        var coords = torch.arange(size, ScalarType.Int64);
        var offsets = coords.unsqueeze(1) - coords.unsqueeze(0) + (size - 1);
        return table.index_select(0, offsets.flatten()).view(size, size, -1);
    }
}
