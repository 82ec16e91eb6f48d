using Vision.nn;

namespace Vision.Models.Segmentation.Sam;

/// <summary>
/// One block of SAM's two-way transformer: self-attention of the prompt tokens, cross-attention tokens → image, an
/// MLP on the tokens, then cross-attention image → tokens, each residual and post-normed. Position encodings are
/// added to queries and keys (never to values) at every attention, except the first block's self-attention, which
/// sees the raw tokens (they already are position encodings plus embeddings).
/// </summary>
public sealed class TwoWayAttentionBlock : Module
{
    /// <summary>A block of <paramref name="embedding_dim"/>-wide tokens.</summary>
    /// <param name="embedding_dim">Token width.</param>
    /// <param name="num_heads">Attention heads.</param>
    /// <param name="mlp_dim">Hidden width of the token MLP (ReLU).</param>
    /// <param name="attention_downsample_rate">Internal width divisor of the two cross-attentions.</param>
    /// <param name="skip_first_layer_pe">Whether self-attention skips the position encoding (the first block).</param>
    public TwoWayAttentionBlock(long embedding_dim, long num_heads, long mlp_dim = 2048, long attention_downsample_rate = 2, bool skip_first_layer_pe = false)
    {
        this.skip_first_layer_pe = skip_first_layer_pe;
        self_attn = register_module("self_attn", new TokenAttention(embedding_dim, num_heads));
        norm1 = register_module("norm1", new LayerNorm(embedding_dim));
        cross_attn_token_to_image = register_module("cross_attn_token_to_image", new TokenAttention(embedding_dim, num_heads, attention_downsample_rate));
        norm2 = register_module("norm2", new LayerNorm(embedding_dim));
        mlp = register_module("mlp", new SamMlpBlock(embedding_dim, mlp_dim, new ReLU()));
        norm3 = register_module("norm3", new LayerNorm(embedding_dim));
        norm4 = register_module("norm4", new LayerNorm(embedding_dim));
        cross_attn_image_to_token = register_module("cross_attn_image_to_token", new TokenAttention(embedding_dim, num_heads, attention_downsample_rate));
    }

    /// <summary>Whether the self-attention skips the position encoding.</summary>
    public bool skip_first_layer_pe { get; }

    /// <summary>Token self-attention.</summary>
    public TokenAttention self_attn { get; }

    /// <summary>Norm after self-attention.</summary>
    public LayerNorm norm1 { get; }

    /// <summary>Tokens attending to the image.</summary>
    public TokenAttention cross_attn_token_to_image { get; }

    /// <summary>Norm after the token → image attention.</summary>
    public LayerNorm norm2 { get; }

    /// <summary>The token MLP.</summary>
    public SamMlpBlock mlp { get; }

    /// <summary>Norm after the MLP.</summary>
    public LayerNorm norm3 { get; }

    /// <summary>Norm of the image tokens after the image → token attention.</summary>
    public LayerNorm norm4 { get; }

    /// <summary>Image tokens attending to the prompt tokens.</summary>
    public TokenAttention cross_attn_image_to_token { get; }

    /// <summary>Updated (queries, keys) from prompt tokens (B, Nq, C), image tokens (B, Nk, C) and their position encodings.</summary>
    public (Tensor Queries, Tensor Keys) forward(Tensor queries, Tensor keys, Tensor query_pe, Tensor key_pe)
    {
        using var scope = torch.NewDisposeScope();
        if (skip_first_layer_pe)
        {
            queries = self_attn.forward(queries, queries, queries);
        }
        else
        {
            var q = queries + query_pe;
            queries = queries + self_attn.forward(q, q, queries);
        }
        queries = norm1.forward(queries);
        var keysWithPe = keys + key_pe;
        queries = norm2.forward(queries + cross_attn_token_to_image.forward(queries + query_pe, keysWithPe, keys));
        queries = norm3.forward(queries + mlp.forward(queries));
        keys = norm4.forward(keys + cross_attn_image_to_token.forward(keysWithPe, queries + query_pe, queries));
        return (queries.MoveToOuterDisposeScope(), keys.MoveToOuterDisposeScope());
    }
}
