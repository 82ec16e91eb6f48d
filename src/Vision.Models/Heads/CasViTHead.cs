using Vision.nn;

namespace Vision.Models.Heads;

/// <summary>
/// The CAS-ViT classifier: BatchNorm over the last feature map (N, C, H, W), mean over H·W, then <c>head</c>
/// Linear(C, classes); with distillation a second Linear <c>dist_head</c> on the same pooled features (DeiT-style).
/// Keys are the official ones (<c>norm</c>, <c>head</c>, <c>dist_head</c>); linear weights start truncated-normal
/// (std 0.02) with zero bias.
/// </summary>
/// <remarks>
/// <see cref="forward"/> returns one logits tensor in both modes: with distillation, the average of the two heads
/// (what the official model returns in evaluation). The official model returns the pair in training, for a
/// distillation loss; here a loss that needs the pair asks for it with <see cref="forward_distillation"/>, so plain
/// classification losses and metrics always see (N, classes). Without a distillation loss, training on the average
/// trains both heads alike.
/// </remarks>
public sealed class CasViTHead : ClsHead
{
    /// <summary>Creates the head.</summary>
    /// <param name="num_classes">Number of classes.</param>
    /// <param name="in_channels">Channels of the last backbone stage.</param>
    /// <param name="distillation">
    /// Whether to add <c>dist_head</c>. The official constructor defaults to it (and the published parameter counts
    /// include it), but the official training script builds models without it; off by default, since without a
    /// distillation loss the second head only duplicates the first.
    /// </param>
    public CasViTHead(long num_classes, long in_channels, bool distillation = false)
        : base(num_classes)
    {
        norm = register_module("norm", new BatchNorm2d(in_channels));
        head = register_module("head", new Linear(in_channels, num_classes));
        dist_head = distillation ? register_module("dist_head", new Linear(in_channels, num_classes)) : null;
        TimmInit.TruncNormalLinears(this);
    }

    /// <summary>Normalisation of the last feature map.</summary>
    public BatchNorm2d norm { get; }

    /// <summary>The classifier.</summary>
    public Linear head { get; }

    /// <summary>The distillation classifier, or null.</summary>
    public Linear? dist_head { get; }

    /// <inheritdoc />
    public override IReadOnlyList<string> classifier_keys => dist_head is null ? ["head"] : ["head", "dist_head"];

    /// <summary>Logits (N, classes) from the last feature; with distillation, the average of both heads.</summary>
    /// <exception cref="ArgumentException">There is no feature, or the last one is not (N, C, H, W).</exception>
    public override Tensor forward(Tensor[] input)
    {
        using var scope = torch.NewDisposeScope();
        var pooled = Pool(input);
        var logits = head.forward(pooled);
        var result = dist_head is null ? logits : logits.add(dist_head.forward(pooled)).div_(2);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>The logits of <c>head</c> and of <c>dist_head</c> separately, for a distillation loss.</summary>
    /// <exception cref="InvalidOperationException">The head was built without distillation.</exception>
    public (Tensor cls, Tensor dist) forward_distillation(Tensor[] input)
    {
        if (dist_head is null)
        {
            throw new InvalidOperationException("This CasViTHead has no dist_head; create it with distillation: true.");
        }
        using var scope = torch.NewDisposeScope();
        var pooled = Pool(input);
        return (head.forward(pooled).MoveToOuterDisposeScope(), dist_head.forward(pooled).MoveToOuterDisposeScope());
    }

    private Tensor Pool(Tensor[] input)
    {
        if (input.Length == 0 || input[^1].dim() != 4)
        {
            throw new ArgumentException(
                $"CasViTHead takes the backbone's feature maps and uses the last, which must be (N, C, H, W); got {(input.Length == 0 ? "no features" : $"shape [{string.Join(", ", input[^1].shape)}]")}.",
                nameof(input));
        }
        return norm.forward(input[^1]).mean([2, 3]);
    }
}
