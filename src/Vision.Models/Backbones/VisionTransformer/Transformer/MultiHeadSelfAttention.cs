using Vision.Analysis;
using Vision.nn;

namespace Vision.Models.Backbones.Transformer;

/// <summary>
/// Multi-head scaled dot-product self-attention over tokens (N, L, D) (timm's Attention): one fused projection
/// <c>qkv</c> to (q, k, v) for all heads — output rows ordered q, k, v and head-major within each, the layout of
/// timm's <c>attn.qkv</c> and torch.nn.MultiheadAttention's <c>in_proj_weight</c> — then softmax(q kᵀ / √d_head) v per
/// head, the heads concatenated and projected by <c>proj</c>.
/// </summary>
public sealed class MultiHeadSelfAttention : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    /// <param name="dim">The token width D.</param>
    /// <param name="num_heads">Heads; must divide <paramref name="dim"/>.</param>
    /// <param name="qkv_bias">Whether the q, k, v projection has a bias (ViT: yes).</param>
    /// <param name="attn_drop">Dropout on the attention weights.</param>
    /// <param name="proj_drop">Dropout on the output.</param>
    public MultiHeadSelfAttention(long dim, long num_heads, bool qkv_bias = true, double attn_drop = 0, double proj_drop = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(num_heads);
        if (dim % num_heads != 0)
        {
            throw new ArgumentException($"The width {dim} is not divisible by the number of heads {num_heads}.", nameof(num_heads));
        }
        this.num_heads = num_heads;
        head_dim = dim / num_heads;
        qkv = register_module("qkv", new Linear(dim, 3 * dim, qkv_bias));
        this.attn_drop = register_module("attn_drop", new Dropout(attn_drop));
        proj = register_module("proj", new Linear(dim, dim));
        this.proj_drop = register_module("proj_drop", new Dropout(proj_drop));
    }

    /// <summary>Number of heads.</summary>
    public long num_heads { get; }

    /// <summary>Width of one head, D / num_heads.</summary>
    public long head_dim { get; }

    /// <summary>The fused (q, k, v) projection D → 3D.</summary>
    public Linear qkv { get; }

    /// <summary>Dropout on the attention weights.</summary>
    public Dropout attn_drop { get; }

    /// <summary>The output projection D → D.</summary>
    public Linear proj { get; }

    /// <summary>Dropout on the output.</summary>
    public Dropout proj_drop { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var (batch, tokens, width) = (input.size(0), input.size(1), input.size(2));
        using var scope = torch.NewDisposeScope();
        // (N, L, 3D) → (3, N, heads, L, head_dim): one slice each for q, k and v.
        var qkvHeads = qkv.forward(input).reshape(batch, tokens, 3, num_heads, head_dim).permute(2, 0, 3, 1, 4);
        // Scaling q rather than the L×L scores costs L·d instead of L² multiplications.
        var q = qkvHeads.select(0, 0).mul(1 / Math.Sqrt(head_dim));
        var k = qkvHeads.select(0, 1);
        var v = qkvHeads.select(0, 2);
        var weights = attn_drop.forward(q.matmul(k.transpose(-2, -1)).softmax(-1));
        var heads = weights.matmul(v).transpose(1, 2).reshape(batch, tokens, width);
        // The two attention matmuls (q·kᵀ and weights·v), N·heads·L·L·head_dim MACs each; the linear layers report themselves.
        MacCounter.Add(2 * batch * num_heads * tokens * tokens * head_dim, this);
        return proj_drop.forward(proj.forward(heads)).MoveToOuterDisposeScope();
    }
}
