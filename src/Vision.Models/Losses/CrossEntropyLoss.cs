using System.Globalization;
using F = Vision.nn.functional;

namespace Vision.Models.Losses;

/// <summary>
/// Softmax cross-entropy averaged over the batch (MMPreTrain's CrossEntropyLoss with <c>use_sigmoid=False</c>), with
/// optional label smoothing and per-class weights, as <c>torch.nn.functional.cross_entropy</c> computes them. Targets
/// are int64 class indices (N) or probabilities (N, C) (e.g. after Mixup/CutMix; smoothing then mixes them with the
/// uniform distribution, as PyTorch does).
/// </summary>
public sealed class CrossEntropyLoss : ClsLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="label_smoothing">Weight of the uniform distribution mixed into the targets, in [0, 1].</param>
    /// <param name="class_weight">Per-class weights (C), or null for equal weights; with index targets the mean is weighted as PyTorch's.</param>
    public CrossEntropyLoss(double label_smoothing = 0, IReadOnlyList<float>? class_weight = null)
    {
        if (label_smoothing is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(label_smoothing), label_smoothing, "label_smoothing must be in [0, 1].");
        }
        this.label_smoothing = label_smoothing;
        // Not persistent: the weights are configuration, and checkpoints of the model must not depend on the loss.
        register_buffer("class_weight", class_weight is null ? null : torch.tensor(class_weight.ToArray(), class_weight.Count), persistent: false);
    }

    /// <summary>Weight of the uniform distribution mixed into the targets.</summary>
    public double label_smoothing { get; }

    /// <summary>The per-class weights (C), or null.</summary>
    public Tensor? class_weight => GetBuffer("class_weight");

    /// <inheritdoc />
    public override string extra_repr() => string.Create(CultureInfo.InvariantCulture,
        $"label_smoothing={label_smoothing}, class_weight={(class_weight is null ? "None" : "[" + string.Join(", ", class_weight.data<float>().Select(w => w.ToString(CultureInfo.InvariantCulture))) + "]")}");

    /// <inheritdoc />
    public override Tensor forward(Tensor logits, Tensor target)
    {
        _ = IsIndexTarget(logits, target);
        if (class_weight is { } w && w.size(0) != logits.size(1))
        {
            throw new ArgumentException($"CrossEntropyLoss has {w.size(0)} class weights but the logits have {logits.size(1)} classes.", nameof(logits));
        }
        using var weight = class_weight?.to(logits.dtype);
        return F.cross_entropy(logits, target, weight, label_smoothing: label_smoothing);
    }
}
