namespace Vision.Data.BatchAugments;

/// <summary>
/// Mixup (Zhang et al. 2018) and CutMix (Yun et al. 2019) with timm's options and semantics: with probability
/// <c>prob</c> a batch (or pair, or sample, by <c>mode</c>) is mixed, by CutMix with probability
/// <c>switch_prob</c> when both alphas are positive; λ ~ Beta(α, α); CutMix pastes a <see cref="CutMixBox"/> of
/// the partner image and, with <c>correct_lam</c> or <c>cutmix_minmax</c>, sets λ = 1 - box area / image area;
/// targets are y·λ + y_partner·(1-λ) of one-hot labels smoothed by <c>label_smoothing</c>.
/// <para>
/// Difference from timm: sample i is mixed with sample perm[i] of a random permutation (as MMPreTrain does), not
/// with the reversed batch, so odd batch sizes work (timm asserts an even batch, issue #1304). In pair mode the
/// permutation is cut into pairs (perm[0], perm[1]), (perm[2], perm[3]), …, the two samples of a pair sharing λ
/// and box; with an odd batch the last sample of the permutation stays unmixed.
/// </para>
/// <para>
/// Draw order (our own; timm draws from NumPy): per batch, pair or sample in turn: one NextDouble against prob
/// (none while <see cref="MixupEnabled"/> is false);
/// if mixing, one NextDouble against switch_prob (only when both alphas are positive), one Beta draw, and for
/// CutMix the box draws; then the permutation (Fisher–Yates).
/// </para>
/// </summary>
public sealed class Mixup : IBatchAugment
{
    private readonly double[]? cutmixMinMax;

    /// <summary>Creates the augment; the arguments are timm's, with timm's defaults.</summary>
    /// <param name="mixupAlpha">Mixup's Beta parameter; 0 turns Mixup off.</param>
    /// <param name="cutmixAlpha">CutMix's Beta parameter; 0 turns CutMix off.</param>
    /// <param name="cutmixMinmax">[min, max] box side ratios; when given, boxes are drawn from it (and cutmix_alpha becomes 1, as timm forces).</param>
    /// <param name="prob">Probability of mixing a batch, pair or sample.</param>
    /// <param name="switchProb">Probability of CutMix instead of Mixup when both are on.</param>
    /// <param name="mode">How parameters are shared: per batch, pair or sample.</param>
    /// <param name="correctLam">Set λ from the clipped box area.</param>
    /// <param name="labelSmoothing">Label smoothing of the targets.</param>
    /// <param name="numClasses">Number of classes (target width).</param>
    /// <exception cref="ArgumentException">A value is out of range, or neither Mixup nor CutMix is on.</exception>
    public Mixup(double mixupAlpha = 1.0, double cutmixAlpha = 0.0, double[]? cutmixMinmax = null, double prob = 1.0, double switchProb = 0.5,
        MixupMode mode = MixupMode.Batch, bool correctLam = true, double labelSmoothing = 0.1, int numClasses = 1000)
    {
        if (!(mixupAlpha >= 0) || double.IsInfinity(mixupAlpha))
        {
            throw new ArgumentOutOfRangeException(nameof(mixupAlpha), mixupAlpha, "Mixup: mixup_alpha must be a finite number >= 0 (0 turns Mixup off).");
        }
        if (!(cutmixAlpha >= 0) || double.IsInfinity(cutmixAlpha))
        {
            throw new ArgumentOutOfRangeException(nameof(cutmixAlpha), cutmixAlpha, "Mixup: cutmix_alpha must be a finite number >= 0 (0 turns CutMix off).");
        }
        if (cutmixMinmax is not null)
        {
            if (cutmixMinmax.Length != 2 || !(cutmixMinmax[0] >= 0 && cutmixMinmax[0] < cutmixMinmax[1] && cutmixMinmax[1] <= 1))
            {
                throw new ArgumentException(
                    $"Mixup: cutmix_minmax must be [min, max] with 0 <= min < max <= 1, got [{string.Join(", ", cutmixMinmax)}].", nameof(cutmixMinmax));
            }
            cutmixMinMax = [cutmixMinmax[0], cutmixMinmax[1]];
            cutmixAlpha = 1.0;
        }
        if (mixupAlpha == 0 && cutmixAlpha == 0)
        {
            throw new ArgumentException("Mixup: one of mixup_alpha > 0, cutmix_alpha > 0 or cutmix_minmax must be given.", nameof(mixupAlpha));
        }
        Mixing.CheckProbability(prob, nameof(prob), nameof(Mixup));
        Mixing.CheckProbability(switchProb, nameof(switchProb), nameof(Mixup));
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Mixup: mode must be Batch, Pair or Elem.");
        }
        Mixing.CheckClasses(numClasses, labelSmoothing, nameof(Mixup));
        MixupAlpha = mixupAlpha;
        CutmixAlpha = cutmixAlpha;
        Prob = prob;
        SwitchProb = switchProb;
        Mode = mode;
        CorrectLam = correctLam;
        LabelSmoothing = labelSmoothing;
        NumClasses = numClasses;
    }

    /// <summary>Mixup's Beta parameter (0 = off).</summary>
    public double MixupAlpha { get; }

    /// <summary>CutMix's Beta parameter (0 = off; 1 when <see cref="CutmixMinMax"/> is set).</summary>
    public double CutmixAlpha { get; }

    /// <summary>[min, max] box side ratios, or null for boxes from λ.</summary>
    public IReadOnlyList<double>? CutmixMinMax => cutmixMinMax;

    /// <summary>Probability of mixing.</summary>
    public double Prob { get; }

    /// <summary>Probability of CutMix instead of Mixup when both are on.</summary>
    public double SwitchProb { get; }

    /// <summary>Per batch, pair or sample parameters.</summary>
    public MixupMode Mode { get; }

    /// <summary>Whether λ follows the clipped box area.</summary>
    public bool CorrectLam { get; }

    /// <summary>Label smoothing of the targets.</summary>
    public double LabelSmoothing { get; }

    /// <summary>Number of classes.</summary>
    public int NumClasses { get; }

    /// <summary>
    /// When false, nothing is mixed and the targets are the smoothed one-hot labels (timm's mixup_enabled, which
    /// training scripts clear for the last epochs).
    /// </summary>
    public bool MixupEnabled { get; set; } = true;

    /// <inheritdoc/>
    public (Tensor Images, Tensor Targets) Apply(Tensor images, Tensor labels, Random rng)
    {
        Mixing.CheckInputs(images, labels, nameof(Mixup));
        var n = (int)images.size(0);
        var height = (int)images.size(2);
        var width = (int)images.size(3);
        var groups = Mode switch { MixupMode.Batch => 1, MixupMode.Pair => n / 2, _ => n };
        var drawn = new (double Lam, CutMixBox? Box)[groups];
        for (var g = 0; g < groups; g++)
        {
            drawn[g] = Draw(rng, height, width);
        }
        var perm = Mixing.Permutation(rng, n);

        var partner = new int[n];
        var lam = new double[n];
        var boxes = new CutMixBox?[n];
        for (var i = 0; i < n; i++)
        {
            partner[i] = i;
            lam[i] = 1.0;
        }
        for (var i = 0; i < n; i++)
        {
            var (sample, other, group) = Mode switch
            {
                MixupMode.Batch => (i, perm[i], 0),
                MixupMode.Elem => (i, perm[i], i),
                // Pair g mixes perm[2g] and perm[2g+1] with each other; an odd one out keeps partner = itself.
                _ => i / 2 < groups ? (perm[i], perm[i ^ 1], i / 2) : (perm[i], perm[i], -1),
            };
            if (group >= 0)
            {
                partner[sample] = other;
                (lam[sample], boxes[sample]) = drawn[group];
            }
        }

        var targets = Mixing.MixTargets(labels, NumClasses, LabelSmoothing, partner, lam);
        var mixes = Array.Exists(lam, l => l != 1.0) || Array.Exists(boxes, b => b is not null);
        return (mixes ? Mixing.MixImages(images, partner, lam, boxes) : images.alias(), targets);
    }

    // One batch's, pair's or sample's λ and CutMix box (timm's _params_per_batch / _params_per_elem, then
    // cutmix_bbox_and_lam).
    private (double Lam, CutMixBox? Box) Draw(Random rng, int height, int width)
    {
        if (!MixupEnabled || rng.NextDouble() >= Prob)
        {
            return (1.0, null);
        }
        bool cutmix;
        double lam;
        if (MixupAlpha > 0 && CutmixAlpha > 0)
        {
            cutmix = rng.NextDouble() < SwitchProb;
            lam = cutmix ? rng.NextBeta(CutmixAlpha, CutmixAlpha) : rng.NextBeta(MixupAlpha, MixupAlpha);
        }
        else
        {
            cutmix = CutmixAlpha > 0;
            lam = cutmix ? rng.NextBeta(CutmixAlpha, CutmixAlpha) : rng.NextBeta(MixupAlpha, MixupAlpha);
        }
        if (!cutmix)
        {
            return (lam, null);
        }
        var box = cutmixMinMax is { } mm
            ? CutMixBox.SampleMinMax(rng, height, width, mm[0], mm[1])
            : CutMixBox.Sample(rng, height, width, lam);
        return (CorrectLam || cutmixMinMax is not null ? box.CorrectedLambda(height, width) : lam, box);
    }
}
