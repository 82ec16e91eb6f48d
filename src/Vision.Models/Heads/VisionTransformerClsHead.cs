using Vision.nn;

namespace Vision.Models.Heads;

/// <summary>
/// MMPreTrain's VisionTransformerClsHead: the class-token feature (N, in_channels) → optional pre-logits layer
/// (Linear to <c>hidden_dim</c> + Tanh, as the original ViT's representation layer) → <c>head</c> Linear to
/// num_classes. Keys are <c>layers.pre_logits.*</c> and <c>layers.head.*</c>. Initialised as MMPreTrain: the
/// pre-logits weight truncated-normal with std √(1/in_channels) and zero bias, the head all zeros.
/// </summary>
public sealed class VisionTransformerClsHead : ClsHead
{
    private readonly Sequential layers;

    /// <summary>Creates the head.</summary>
    /// <param name="num_classes">Number of classes.</param>
    /// <param name="in_channels">Width of the class-token feature.</param>
    /// <param name="hidden_dim">Width of the pre-logits layer, or null for none.</param>
    public VisionTransformerClsHead(long num_classes, long in_channels, long? hidden_dim = null) : base(num_classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(in_channels);
        this.in_channels = in_channels;
        this.hidden_dim = hidden_dim;
        var children = new List<(string, Module<Tensor, Tensor>)>();
        if (hidden_dim is { } hidden)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hidden, nameof(hidden_dim));
            var preLogits = new Linear(in_channels, hidden);
            init.trunc_normal_(preLogits.weight, std: Math.Sqrt(1.0 / in_channels));
            init.zeros_(preLogits.bias!);
            children.Add(("pre_logits", preLogits));
            children.Add(("act", new Tanh()));
        }
        var head = new Linear(hidden_dim ?? in_channels, num_classes);
        init.zeros_(head.weight);
        init.zeros_(head.bias!);
        children.Add(("head", head));
        layers = register_module("layers", new Sequential(children));
    }

    /// <summary>Width of the class-token feature.</summary>
    public long in_channels { get; }

    /// <summary>Width of the pre-logits layer, or null when there is none.</summary>
    public long? hidden_dim { get; }

    /// <inheritdoc />
    public override IReadOnlyList<string> classifier_keys { get; } = ["layers.head"];

    /// <inheritdoc />
    public override Tensor forward(Tensor[] input) => layers.forward(LinearClsHead.LastFeature(input, in_channels));
}
