using F = Vision.nn.functional;

namespace Vision.Models.Losses;

/// <summary>
/// timm's SoftTargetCrossEntropy for Mixup/CutMix targets: mean over the batch of Σ_c −t_c · log_softmax(x)_c.
/// Int64 class indices are accepted as one-hot targets (the loss then equals plain cross-entropy).
/// </summary>
public sealed class SoftTargetCrossEntropy : ClsLoss
{
    /// <inheritdoc />
    public override Tensor forward(Tensor logits, Tensor target)
    {
        using var scope = torch.NewDisposeScope();
        var probabilities = IsIndexTarget(logits, target) ? F.one_hot(target, logits.size(1)).to(logits.dtype) : target;
        var logp = F.log_softmax(logits, -1);
        return probabilities.neg().mul(logp).sum(-1).mean().MoveToOuterDisposeScope();
    }
}
