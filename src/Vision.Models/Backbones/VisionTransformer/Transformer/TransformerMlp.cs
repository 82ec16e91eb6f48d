using Vision.nn;

namespace Vision.Models.Backbones.Transformer;

/// <summary>
/// The feed-forward half of a transformer block (timm's Mlp): fc1 D → hidden, exact GELU, dropout, fc2 hidden → D,
/// dropout. State-dict keys: <c>fc1</c>, <c>fc2</c>.
/// </summary>
public sealed class TransformerMlp : Module<Tensor, Tensor>
{
    /// <summary>Creates the layers.</summary>
    /// <param name="dim">Input and output width.</param>
    /// <param name="hidden_dim">Hidden width (4·D in ViT).</param>
    /// <param name="drop">Dropout after the activation and after fc2.</param>
    public TransformerMlp(long dim, long hidden_dim, double drop = 0)
    {
        fc1 = register_module("fc1", new Linear(dim, hidden_dim));
        act = register_module("act", new GELU());
        drop1 = register_module("drop1", new Dropout(drop));
        fc2 = register_module("fc2", new Linear(hidden_dim, dim));
        drop2 = register_module("drop2", new Dropout(drop));
    }

    /// <summary>The expansion D → hidden.</summary>
    public Linear fc1 { get; }

    /// <summary>The activation (exact GELU).</summary>
    public GELU act { get; }

    /// <summary>Dropout after the activation.</summary>
    public Dropout drop1 { get; }

    /// <summary>The contraction hidden → D.</summary>
    public Linear fc2 { get; }

    /// <summary>Dropout on the output.</summary>
    public Dropout drop2 { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var hidden = drop1.forward(act.forward(fc1.forward(input)));
        return drop2.forward(fc2.forward(hidden)).MoveToOuterDisposeScope();
    }
}
