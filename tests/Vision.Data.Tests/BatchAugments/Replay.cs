using Vision.Data.BatchAugments;

namespace Vision.Data.Tests.BatchAugments;

/// <summary>
/// Recomputes from a twin <see cref="Random"/> what the augments draw, with the formulas written out here
/// (timm's rand_bbox and rand_bbox_minmax, Fisher–Yates), and builds the test batches.
/// </summary>
internal static class Replay
{
    public static (int Top, int Bottom, int Left, int Right) RandBbox(Random rng, int h, int w, double lam)
    {
        var cutH = (int)(h * Math.Sqrt(1 - lam));
        var cutW = (int)(w * Math.Sqrt(1 - lam));
        var cy = rng.Next(h);
        var cx = rng.Next(w);
        return (Math.Clamp(cy - cutH / 2, 0, h), Math.Clamp(cy + cutH / 2, 0, h), Math.Clamp(cx - cutW / 2, 0, w), Math.Clamp(cx + cutW / 2, 0, w));
    }

    public static int[] Permutation(Random rng, int n)
    {
        var perm = Enumerable.Range(0, n).ToArray();
        for (var i = n - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (perm[i], perm[j]) = (perm[j], perm[i]);
        }
        return perm;
    }

    /// <summary>(N, C, H, W) float images where every pixel of sample i is i, and labels i.</summary>
    public static (Tensor Images, Tensor Labels) ConstantBatch(int n, int c = 2, int h = 16, int w = 16)
    {
        var images = torch.arange(n, torch.float32).view(n, 1, 1, 1).expand(n, c, h, w).contiguous();
        return (images, torch.arange(n));
    }

    /// <summary>Checks every pixel of a constant batch after mixing: inside box[i], partner[i]'s value; elsewhere the blend λ·i + (1-λ)·partner.</summary>
    public static void AssertMixedPixels(Tensor mixed, int[] partner, double[] blendLam, (int Top, int Bottom, int Left, int Right)?[] boxes)
    {
        var shape = mixed.shape;
        var (n, c, h, w) = ((int)shape[0], (int)shape[1], (int)shape[2], (int)shape[3]);
        var values = mixed.data<float>();
        for (var i = 0; i < n; i++)
        {
            for (var ch = 0; ch < c; ch++)
            {
                for (var y = 0; y < h; y++)
                {
                    for (var x = 0; x < w; x++)
                    {
                        var inBox = boxes[i] is { } b && y >= b.Top && y < b.Bottom && x >= b.Left && x < b.Right;
                        var expected = inBox ? partner[i] : boxes[i] is null ? blendLam[i] * i + (1 - blendLam[i]) * partner[i] : i;
                        Assert.True(Math.Abs(values[((i * c + ch) * h + y) * w + x] - expected) < 1e-4,
                            $"sample {i} channel {ch} pixel ({y}, {x}): {values[((i * c + ch) * h + y) * w + x]} != {expected}");
                    }
                }
            }
        }
    }

    /// <summary>Checks soft targets against λ·onehot(i) + (1-λ)·onehot(partner) with timm's smoothing, and that rows sum to 1.</summary>
    public static void AssertTargets(Tensor targets, int classes, int[] partner, double[] lam, double smoothing = 0)
    {
        var n = partner.Length;
        Assert.Equal(new long[] { n, classes }, targets.shape);
        Assert.Equal(ScalarType.Float32, targets.dtype);
        var values = targets.data<float>();
        var off = smoothing / classes;
        var on = 1 - smoothing + off;
        for (var i = 0; i < n; i++)
        {
            var sum = 0.0;
            for (var k = 0; k < classes; k++)
            {
                var expected = lam[i] * (k == i ? on : off) + (1 - lam[i]) * (k == partner[i] ? on : off);
                Assert.True(Math.Abs(values[i * classes + k] - expected) < 1e-6, $"target [{i}, {k}]: {values[i * classes + k]} != {expected}");
                sum += values[i * classes + k];
            }
            Assert.Equal(1.0, sum, 5);
        }
    }
}
