namespace Vision.Data.BatchAugments;

/// <summary>The pieces the batch augments share: input checks, pairing, soft targets and the image mix.</summary>
internal static class Mixing
{
    public static void CheckInputs(Tensor images, Tensor labels, string augment)
    {
        if (images.dim() != 4 || !FloatingTypes.Contains(images.dtype))
        {
            throw new ArgumentException(
                $"{augment}: images must be a floating-point (N, C, H, W) tensor, got {images.dtype} [{string.Join(", ", images.shape)}]; " +
                "convert the collated uint8 batch to float first.", nameof(images));
        }
        if (labels.dtype != ScalarType.Int64 || labels.dim() != 1 || labels.size(0) != images.size(0))
        {
            throw new ArgumentException(
                $"{augment}: labels must be int64 class indices of shape [{images.size(0)}], got {labels.dtype} [{string.Join(", ", labels.shape)}].",
                nameof(labels));
        }
    }

    public static void CheckClasses(int numClasses, double labelSmoothing, string augment)
    {
        if (numClasses < 1)
        {
            throw new ArgumentOutOfRangeException("num_classes", numClasses, $"{augment}: num_classes must be at least 1.");
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1))
        {
            throw new ArgumentOutOfRangeException("label_smoothing", labelSmoothing, $"{augment}: label_smoothing must be in [0, 1).");
        }
    }

    public static void CheckProbability(double p, string name, string augment)
    {
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(name, p, $"{augment}: {name} must be a probability in [0, 1].");
        }
    }

    /// <summary>
    /// A uniform random permutation (Fisher–Yates): sample i is mixed with sample perm[i]. MMPreTrain pairs this
    /// way; timm pairs i with N-1-i, which needs an even batch (timm issue #1304).
    /// </summary>
    public static int[] Permutation(Random rng, int n)
    {
        var perm = new int[n];
        for (var i = 0; i < n; i++)
        {
            perm[i] = i;
        }
        for (var i = n - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (perm[i], perm[j]) = (perm[j], perm[i]);
        }
        return perm;
    }

    /// <summary>
    /// One-hot float32 rows with label smoothing as timm's mixup_target: the true class gets
    /// 1 - smoothing + smoothing / classes, the others smoothing / classes.
    /// </summary>
    public static Tensor SmoothedOneHot(Tensor labels, int numClasses, double smoothing)
    {
        using var scope = torch.NewDisposeScope();
        var off = smoothing / numClasses;
        var rows = torch.full([labels.size(0), numClasses], off, torch.float32, labels.device);
        return rows.scatter(1, labels.view(-1, 1), 1.0 - smoothing + off).MoveToOuterDisposeScope();
    }

    /// <summary>Soft targets y·λ + y[partner]·(1-λ) with per-sample λ, y the smoothed one-hot labels.</summary>
    public static Tensor MixTargets(Tensor labels, int numClasses, double smoothing, int[] partner, double[] lam)
    {
        using var scope = torch.NewDisposeScope();
        var own = SmoothedOneHot(labels, numClasses, smoothing);
        var other = own.index_select(0, Index(partner, labels.device));
        var keep = Column(lam, [lam.Length, 1], torch.float32, labels.device);
        var take = Column(Array.ConvertAll(lam, l => 1 - l), [lam.Length, 1], torch.float32, labels.device);
        return own.mul(keep).add_(other.mul(take)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Mixes every sample i with sample partner[i]: blended with weight λ_i where boxes[i] is null, else with
    /// the partner's pixels pasted into boxes[i] (CutMix). Samples with λ 1 and no box stay as they are.
    /// </summary>
    public static Tensor MixImages(Tensor images, int[] partner, double[] lam, CutMixBox?[] boxes)
    {
        using var scope = torch.NewDisposeScope();
        var shuffled = images.index_select(0, Index(partner, images.device));
        var n = partner.Length;
        // A boxed sample keeps all of its own pixels in the blend; the paste below then replaces the box.
        var keep = new double[n];
        for (var i = 0; i < n; i++)
        {
            keep[i] = boxes[i] is null ? lam[i] : 1.0;
        }
        var mixed = images.mul(Column(keep, [n, 1, 1, 1], images.dtype, images.device))
            .add_(shuffled.mul(Column(Array.ConvertAll(keep, k => 1 - k), [n, 1, 1, 1], images.dtype, images.device)));
        if (boxes.All(b => b is not null && b == boxes[0]))
        {
            // Batch mode: one box for all, one copy.
            Region(mixed, boxes[0]!.Value).copy_(Region(shuffled, boxes[0]!.Value));
        }
        else
        {
            for (var i = 0; i < n; i++)
            {
                if (boxes[i] is { } box)
                {
                    Region(mixed.select(0, i), box).copy_(Region(shuffled.select(0, i), box));
                }
            }
        }
        return mixed.MoveToOuterDisposeScope();
    }

    /// <summary>A view of the box region of the last two dims.</summary>
    public static Tensor Region(Tensor t, CutMixBox box)
    {
        var rank = t.dim();
        return t.narrow(rank - 2, box.Top, box.Height).narrow(rank - 1, box.Left, box.Width);
    }

    public static Tensor Index(int[] indices, Device device)
    {
        using var scope = torch.NewDisposeScope();
        return torch.tensor(Array.ConvertAll(indices, i => (long)i)).to(device).MoveToOuterDisposeScope();
    }

    private static Tensor Column(double[] values, long[] shape, ScalarType dtype, Device device)
    {
        using var scope = torch.NewDisposeScope();
        return torch.tensor(values, shape).to(device, dtype).MoveToOuterDisposeScope();
    }
}
