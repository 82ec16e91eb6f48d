using Vision.nn;

namespace Vision.Models.Backbones.Transformer;

/// <summary>
/// A pre-norm transformer encoder block (timm's Block): x += DropPath(Attn(LN(x))), then x += DropPath(MLP(LN(x))).
/// Normalising the branch inputs rather than the sum keeps the residual stream an identity path, which is what lets
/// deep ViTs train without warm-up tricks. State-dict keys: <c>norm1</c>, <c>attn.qkv</c>, <c>attn.proj</c>,
/// <c>norm2</c>, <c>mlp.fc1</c>, <c>mlp.fc2</c>.
/// </summary>
public sealed class TransformerBlock : Module<Tensor, Tensor>
{
    /// <summary>Creates the block.</summary>
    /// <param name="dim">Token width D.</param>
    /// <param name="num_heads">Attention heads.</param>
    /// <param name="mlp_dim">Hidden width of the MLP.</param>
    /// <param name="qkv_bias">Whether the q, k, v projection has a bias.</param>
    /// <param name="drop">Dropout after the attention and MLP projections and inside the MLP.</param>
    /// <param name="attn_drop">Dropout on the attention weights.</param>
    /// <param name="drop_path">Stochastic-depth probability of both residual branches.</param>
    /// <param name="layer_norm_eps">LayerNorm epsilon (1e-6 in ViT).</param>
    public TransformerBlock(long dim, long num_heads, long mlp_dim, bool qkv_bias = true, double drop = 0, double attn_drop = 0,
        double drop_path = 0, double layer_norm_eps = 1e-6)
    {
        norm1 = register_module("norm1", new LayerNorm(dim, layer_norm_eps));
        attn = register_module("attn", new MultiHeadSelfAttention(dim, num_heads, qkv_bias, attn_drop, drop));
        this.drop_path = register_module("drop_path", new DropPath(drop_path));
        norm2 = register_module("norm2", new LayerNorm(dim, layer_norm_eps));
        mlp = register_module("mlp", new TransformerMlp(dim, mlp_dim, drop));
    }

    /// <summary>The norm before attention.</summary>
    public LayerNorm norm1 { get; }

    /// <summary>The self-attention.</summary>
    public MultiHeadSelfAttention attn { get; }

    /// <summary>Stochastic depth applied to both residual branches (each call draws its own mask).</summary>
    public DropPath drop_path { get; }

    /// <summary>The norm before the MLP.</summary>
    public LayerNorm norm2 { get; }

    /// <summary>The feed-forward network.</summary>
    public TransformerMlp mlp { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = input.add(drop_path.forward(attn.forward(norm1.forward(input))));
        return x.add(drop_path.forward(mlp.forward(norm2.forward(x)))).MoveToOuterDisposeScope();
    }
}
