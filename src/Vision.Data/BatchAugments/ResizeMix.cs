using Vision.nn;
using F = Vision.nn.functional;

namespace Vision.Data.BatchAugments;

/// <summary>
/// ResizeMix (Qin et al. 2020) as MMPreTrain's: the whole of each partner image (sample perm[i] of a random
/// permutation) is resized into a box of the image and pasted there, so the pasted object stays complete.
/// λ₀ = lam_min + Beta(α, α)·(lam_max - lam_min) sets the box as CutMix's <see cref="CutMixBox.Sample"/> (side
/// ratio √(1-λ₀), uniform centre, clipped), and the targets use λ = 1 - box area / image area, the share of the
/// image left to the original. Draw order: one NextDouble against prob, the Beta draw, the box, the permutation.
/// </summary>
public sealed class ResizeMix : IBatchAugment
{
    /// <summary>Creates the augment; the arguments are MMPreTrain's (plus the target settings).</summary>
    /// <param name="alpha">Beta parameter of λ₀ (1 = uniform).</param>
    /// <param name="numClasses">Number of classes (target width).</param>
    /// <param name="lamMin">Smallest λ₀.</param>
    /// <param name="lamMax">Largest λ₀.</param>
    /// <param name="interpolation">How the partner images are resized (MMPreTrain: bilinear, align_corners false).</param>
    /// <param name="prob">Probability of mixing a batch.</param>
    /// <param name="labelSmoothing">Label smoothing of the targets.</param>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public ResizeMix(double alpha, int numClasses, double lamMin = 0.1, double lamMax = 0.8, InterpolationMode interpolation = InterpolationMode.Bilinear,
        double prob = 1.0, double labelSmoothing = 0.0)
    {
        if (!(alpha > 0) || double.IsInfinity(alpha))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "ResizeMix: alpha must be a positive finite number.");
        }
        if (!(lamMin >= 0 && lamMin <= lamMax && lamMax <= 1))
        {
            throw new ArgumentException($"ResizeMix: lam_min and lam_max must satisfy 0 <= lam_min <= lam_max <= 1, got {lamMin} and {lamMax}.", nameof(lamMin));
        }
        if (!Enum.IsDefined(interpolation))
        {
            throw new ArgumentOutOfRangeException(nameof(interpolation), interpolation, "ResizeMix: unknown interpolation mode.");
        }
        Mixing.CheckProbability(prob, nameof(prob), nameof(ResizeMix));
        Mixing.CheckClasses(numClasses, labelSmoothing, nameof(ResizeMix));
        Alpha = alpha;
        NumClasses = numClasses;
        LamMin = lamMin;
        LamMax = lamMax;
        Interpolation = interpolation;
        Prob = prob;
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>Beta parameter of λ₀.</summary>
    public double Alpha { get; }

    /// <summary>Number of classes.</summary>
    public int NumClasses { get; }

    /// <summary>Smallest λ₀.</summary>
    public double LamMin { get; }

    /// <summary>Largest λ₀.</summary>
    public double LamMax { get; }

    /// <summary>How the partner images are resized.</summary>
    public InterpolationMode Interpolation { get; }

    /// <summary>Probability of mixing a batch.</summary>
    public double Prob { get; }

    /// <summary>Label smoothing of the targets.</summary>
    public double LabelSmoothing { get; }

    /// <inheritdoc/>
    public (Tensor Images, Tensor Targets) Apply(Tensor images, Tensor labels, Random rng)
    {
        Mixing.CheckInputs(images, labels, nameof(ResizeMix));
        var n = (int)images.size(0);
        if (rng.NextDouble() >= Prob)
        {
            return (images.alias(), Mixing.SmoothedOneHot(labels, NumClasses, LabelSmoothing));
        }
        var height = (int)images.size(2);
        var width = (int)images.size(3);
        var lam0 = LamMin + rng.NextBeta(Alpha, Alpha) * (LamMax - LamMin);
        var box = CutMixBox.Sample(rng, height, width, lam0);
        var perm = Mixing.Permutation(rng, n);
        var lam = box.CorrectedLambda(height, width);

        using var scope = torch.NewDisposeScope();
        var mixed = images.clone();
        if (box.Area > 0)
        {
            var shuffled = images.index_select(0, Mixing.Index(perm, images.device));
            var resized = F.interpolate(shuffled, size: [box.Height, box.Width], mode: Interpolation,
                align_corners: Interpolation == InterpolationMode.Nearest ? null : false);
            Mixing.Region(mixed, box).copy_(resized);
        }
        var targets = Mixing.MixTargets(labels, NumClasses, LabelSmoothing, perm, Enumerable.Repeat(lam, n).ToArray());
        return (mixed.MoveToOuterDisposeScope(), targets.MoveToOuterDisposeScope());
    }
}
