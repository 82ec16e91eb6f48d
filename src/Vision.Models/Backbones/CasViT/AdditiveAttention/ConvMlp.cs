using Vision.nn;

namespace Vision.Models.Backbones.AdditiveAttention;

/// <summary>
/// CAS-ViT's feed-forward network on (N, C, H, W) maps: conv1x1 d → hidden (bias), GELU, dropout, conv1x1 hidden → d
/// (bias), dropout — a per-pixel MLP without reshaping to tokens. State-dict keys: <c>fc1</c>, <c>fc2</c>.
/// </summary>
public sealed class ConvMlp : Module<Tensor, Tensor>
{
    /// <summary>Creates the layers.</summary>
    /// <param name="dim">Input and output channels.</param>
    /// <param name="hidden_dim">Hidden channels (4·d in CAS-ViT).</param>
    /// <param name="drop">Dropout after the activation and after fc2.</param>
    public ConvMlp(long dim, long hidden_dim, double drop = 0)
    {
        fc1 = register_module("fc1", new Conv2d(dim, hidden_dim, 1));
        act = register_module("act", new GELU());
        fc2 = register_module("fc2", new Conv2d(hidden_dim, dim, 1));
        this.drop = register_module("drop", new Dropout(drop));
    }

    /// <summary>The expansion d → hidden.</summary>
    public Conv2d fc1 { get; }

    /// <summary>The activation (exact GELU).</summary>
    public GELU act { get; }

    /// <summary>The contraction hidden → d.</summary>
    public Conv2d fc2 { get; }

    /// <summary>Dropout, applied after the activation and after fc2.</summary>
    public Dropout drop { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var hidden = drop.forward(act.forward(fc1.forward(input)));
        return drop.forward(fc2.forward(hidden)).MoveToOuterDisposeScope();
    }
}
