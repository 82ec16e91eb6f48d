using Vision.nn;

namespace Vision.Models.Backbones.AdditiveAttention;

/// <summary>
/// A CAS-ViT block at width d: x += LocalIntegration(x); x += DropPath(CATM(BN(x))); x += DropPath(MLP(BN(x))). The
/// local branch has no stochastic depth (as the official code). State-dict keys: <c>local_perception</c>,
/// <c>norm1</c>, <c>attn</c>, <c>norm2</c>, <c>mlp</c>.
/// </summary>
public sealed class AdditiveBlock : Module<Tensor, Tensor>
{
    /// <summary>Creates the block.</summary>
    /// <param name="dim">Channels d.</param>
    /// <param name="mlp_ratio">MLP hidden width as a multiple of d.</param>
    /// <param name="drop">Dropout in the mixer's output and the MLP.</param>
    /// <param name="drop_path">Stochastic-depth probability of the mixer and MLP branches.</param>
    public AdditiveBlock(long dim, double mlp_ratio = 4, double drop = 0, double drop_path = 0)
    {
        local_perception = register_module("local_perception", new LocalIntegration(dim));
        norm1 = register_module("norm1", new BatchNorm2d(dim));
        attn = register_module("attn", new AdditiveTokenMixer(dim, drop));
        this.drop_path = register_module("drop_path", new DropPath(drop_path));
        norm2 = register_module("norm2", new BatchNorm2d(dim));
        mlp = register_module("mlp", new ConvMlp(dim, (long)(dim * mlp_ratio), drop));
    }

    /// <summary>The convolutional local branch.</summary>
    public LocalIntegration local_perception { get; }

    /// <summary>The norm before the token mixer.</summary>
    public BatchNorm2d norm1 { get; }

    /// <summary>The token mixer (CATM).</summary>
    public AdditiveTokenMixer attn { get; }

    /// <summary>Stochastic depth of the mixer and MLP branches (each call draws its own mask).</summary>
    public DropPath drop_path { get; }

    /// <summary>The norm before the MLP.</summary>
    public BatchNorm2d norm2 { get; }

    /// <summary>The feed-forward network.</summary>
    public ConvMlp mlp { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        // Each branch ends in a convolution (or drop path's mask multiply), whose output autograd does not keep, so
        // the residual is added into it in place instead of into a new activation-sized tensor. x itself must stay
        // as it is: the norms keep it for their backward pass.
        var x = local_perception.forward(input).add_(input);
        x = drop_path.forward(attn.forward(norm1.forward(x))).add_(x);
        return drop_path.forward(mlp.forward(norm2.forward(x))).add_(x).MoveToOuterDisposeScope();
    }
}
