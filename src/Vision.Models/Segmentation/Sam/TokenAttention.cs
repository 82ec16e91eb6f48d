using Vision.Analysis;
using Vision.nn;

namespace Vision.Models.Segmentation.Sam;

/// <summary>
/// The mask decoder's attention between token sequences (B, N, C): separate q, k, v projections to an internal width
/// of C / <see cref="downsample_rate"/> split into heads, scaled dot product, softmax, and a projection back to C.
/// The cross-attentions between prompt tokens and image tokens use a downsample rate of 2 to save compute.
/// </summary>
public sealed class TokenAttention : Module
{
    /// <summary>Attention of <paramref name="embedding_dim"/>-wide tokens with <paramref name="num_heads"/> heads.</summary>
    public TokenAttention(long embedding_dim, long num_heads, long downsample_rate = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(num_heads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(downsample_rate);
        internal_dim = embedding_dim / downsample_rate;
        if (internal_dim * downsample_rate != embedding_dim || internal_dim % num_heads != 0)
        {
            throw new ArgumentException($"The width {embedding_dim} over downsample rate {downsample_rate} must give a whole internal width divisible by {num_heads} heads.");
        }
        this.num_heads = num_heads;
        this.downsample_rate = downsample_rate;
        q_proj = register_module("q_proj", new Linear(embedding_dim, internal_dim));
        k_proj = register_module("k_proj", new Linear(embedding_dim, internal_dim));
        v_proj = register_module("v_proj", new Linear(embedding_dim, internal_dim));
        out_proj = register_module("out_proj", new Linear(internal_dim, embedding_dim));
    }

    /// <summary>Attention heads.</summary>
    public long num_heads { get; }

    /// <summary>How much narrower the attention works than the tokens.</summary>
    public long downsample_rate { get; }

    /// <summary>Width q, k and v are projected to.</summary>
    public long internal_dim { get; }

    /// <summary>Query projection.</summary>
    public Linear q_proj { get; }

    /// <summary>Key projection.</summary>
    public Linear k_proj { get; }

    /// <summary>Value projection.</summary>
    public Linear v_proj { get; }

    /// <summary>Output projection.</summary>
    public Linear out_proj { get; }

    /// <summary>Queries <paramref name="q"/> (B, Nq, C) attend to keys <paramref name="k"/> and values <paramref name="v"/> (B, Nk, C).</summary>
    public Tensor forward(Tensor q, Tensor k, Tensor v)
    {
        using var scope = torch.NewDisposeScope();
        var qh = SeparateHeads(q_proj.forward(q));
        var kh = SeparateHeads(k_proj.forward(k));
        var vh = SeparateHeads(v_proj.forward(v));
        var headDim = qh.size(3);
        var attn = (qh.matmul(kh.permute(0, 1, 3, 2)) / Math.Sqrt(headDim)).softmax(-1);
        var heads = attn.matmul(vh);
        MacCounter.Add(2 * qh.size(0) * num_heads * qh.size(2) * kh.size(2) * headDim, this);
        var (b, h, n, d) = (heads.size(0), heads.size(1), heads.size(2), heads.size(3));
        return out_proj.forward(heads.transpose(1, 2).reshape(b, n, h * d)).MoveToOuterDisposeScope();
    }

    // (B, N, C) → (B, heads, N, C / heads).
    private Tensor SeparateHeads(Tensor x) => x.reshape(x.size(0), x.size(1), num_heads, x.size(2) / num_heads).transpose(1, 2);
}
