using Vision.nn;

namespace Vision.Models.Losses;

/// <summary>
/// A classification loss: logits (N, C) and targets in, a scalar out. Targets are either int64 class indices (N) or
/// per-class probabilities (N, C) such as Mixup/CutMix produce; a loss that cannot use one kind says so.
/// Losses are modules so class weights move with <c>to(device)</c>; they hold no state-dict entries.
/// </summary>
public abstract class ClsLoss : Module
{
    /// <summary>The loss of <paramref name="logits"/> (N, C) against <paramref name="target"/>; a scalar in the caller's dispose scope.</summary>
    public abstract Tensor forward(Tensor logits, Tensor target);

    /// <summary>Whether <paramref name="target"/> holds class indices (int64, shape (N)) rather than probabilities.</summary>
    /// <exception cref="ArgumentException">The target's dtype or shape fits neither kind for <paramref name="logits"/>.</exception>
    protected bool IsIndexTarget(Tensor logits, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(target);
        var name = GetType().Name;
        if (logits.dim() != 2)
        {
            throw new ArgumentException($"{name} expects logits of shape (N, C), got {Shape(logits)}.", nameof(logits));
        }
        if (target.dtype == torch.int64)
        {
            return target.dim() == 1 && target.size(0) == logits.size(0)
                ? true
                : throw new ArgumentException($"{name}: int64 class-index targets must have shape ({logits.size(0)}) for logits {Shape(logits)}, got {Shape(target)}.", nameof(target));
        }
        if (target.dtype is ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16)
        {
            return target.shape.SequenceEqual(logits.shape)
                ? false
                : throw new ArgumentException($"{name}: probability (soft) targets must have the logits' shape {Shape(logits)}, got {Shape(target)}.", nameof(target));
        }
        throw new ArgumentException($"{name}: targets must be int64 class indices (N) or floating-point probabilities (N, C), got {target.dtype} {Shape(target)}.", nameof(target));
    }

    private static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
