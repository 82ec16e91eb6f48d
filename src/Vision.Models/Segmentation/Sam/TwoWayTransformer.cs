using Vision.nn;

namespace Vision.Models.Segmentation.Sam;

/// <summary>
/// SAM's two-way transformer: <see cref="TwoWayAttentionBlock"/>s that update prompt tokens and image tokens in turn,
/// then a last attention of the tokens to the image and a norm.
/// </summary>
public sealed class TwoWayTransformer : Module
{
    /// <summary>A transformer of <paramref name="depth"/> blocks over <paramref name="embedding_dim"/>-wide tokens.</summary>
    public TwoWayTransformer(long depth, long embedding_dim, long num_heads, long mlp_dim, long attention_downsample_rate = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(depth);
        layers = register_module("layers", new ModuleList<TwoWayAttentionBlock>(Enumerable.Range(0, (int)depth).Select(i =>
            new TwoWayAttentionBlock(embedding_dim, num_heads, mlp_dim, attention_downsample_rate, skip_first_layer_pe: i == 0))));
        final_attn_token_to_image = register_module("final_attn_token_to_image", new TokenAttention(embedding_dim, num_heads, attention_downsample_rate));
        norm_final_attn = register_module("norm_final_attn", new LayerNorm(embedding_dim));
    }

    /// <summary>The two-way blocks.</summary>
    public ModuleList<TwoWayAttentionBlock> layers { get; }

    /// <summary>The last token → image attention.</summary>
    public TokenAttention final_attn_token_to_image { get; }

    /// <summary>Norm of the tokens after it.</summary>
    public LayerNorm norm_final_attn { get; }

    /// <summary>
    /// The processed prompt tokens (B, N, C) and image tokens (B, h·w, C) for an image embedding and its position
    /// encoding (B, C, h, w) and prompt tokens (B, N, C).
    /// </summary>
    public (Tensor Queries, Tensor Keys) forward(Tensor image_embedding, Tensor image_pe, Tensor point_embedding)
    {
        using var scope = torch.NewDisposeScope();
        var keys = image_embedding.flatten(2).permute(0, 2, 1);
        var keyPe = image_pe.flatten(2).permute(0, 2, 1);
        var queries = point_embedding;
        foreach (var layer in layers)
        {
            (queries, keys) = layer.forward(queries, keys, point_embedding, keyPe);
        }
        var attended = final_attn_token_to_image.forward(queries + point_embedding, keys + keyPe, keys);
        queries = norm_final_attn.forward(queries + attended);
        return (queries.MoveToOuterDisposeScope(), keys.MoveToOuterDisposeScope());
    }
}
