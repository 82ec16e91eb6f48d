using Vision.nn;

namespace Vision.Models.Segmentation.Sam;

/// <summary>
/// SAM's two-layer feed-forward block, <c>lin2(act(lin1(x)))</c>: GELU in the image encoder, ReLU in the two-way
/// transformer. Its keys (<c>lin1</c>, <c>lin2</c>) are the official checkpoints'.
/// </summary>
public sealed class SamMlpBlock : Module<Tensor, Tensor>
{
    /// <summary>A block <paramref name="embedding_dim"/> → <paramref name="mlp_dim"/> → <paramref name="embedding_dim"/>.</summary>
    /// <param name="embedding_dim">Input and output width.</param>
    /// <param name="mlp_dim">Hidden width.</param>
    /// <param name="activation">The hidden activation (a fresh module; GELU when null).</param>
    public SamMlpBlock(long embedding_dim, long mlp_dim, Module<Tensor, Tensor>? activation = null)
    {
        lin1 = register_module("lin1", new Linear(embedding_dim, mlp_dim));
        lin2 = register_module("lin2", new Linear(mlp_dim, embedding_dim));
        act = register_module("act", activation ?? new GELU());
    }

    /// <summary>The expanding layer.</summary>
    public Linear lin1 { get; }

    /// <summary>The projecting layer.</summary>
    public Linear lin2 { get; }

    /// <summary>The hidden activation.</summary>
    public Module<Tensor, Tensor> act { get; }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        return lin2.forward(act.forward(lin1.forward(input))).MoveToOuterDisposeScope();
    }
}
