namespace Vision.Engine.Segmentation;

/// <summary>
/// Non-maximum suppression of (x0, y0, x1, y1) boxes with torchvision's semantics: boxes are visited by score,
/// highest first (ties in input order), and a box is dropped when its IoU with a kept box exceeds the threshold;
/// the kept indices come back in visiting order. Arithmetic is in float32, as torchvision's CPU kernel.
/// </summary>
public static class BoxNms
{
    /// <summary>Indices (int64) of the boxes (N, 4) kept by NMS at <paramref name="iouThreshold"/>, by decreasing score.</summary>
    public static Tensor Nms(Tensor boxes, Tensor scores, double iouThreshold)
    {
        var (b, s) = Read(boxes, scores);
        var keep = Nms(b, s, Enumerable.Range(0, s.Length).ToList(), (float)iouThreshold);
        return torch.tensor(keep.Select(i => (long)i).ToArray(), keep.Count);
    }

    /// <summary>
    /// NMS within each category of <paramref name="categories"/> (N) only (torchvision's batched_nms): the kept
    /// indices of all categories, by decreasing score.
    /// </summary>
    public static Tensor BatchedNms(Tensor boxes, Tensor scores, Tensor categories, double iouThreshold)
    {
        ArgumentNullException.ThrowIfNull(categories);
        var (b, s) = Read(boxes, scores);
        long[] cats;
        using (var c = categories.to(ScalarType.Int64).cpu().contiguous())
        {
            cats = c.data<long>();
        }
        if (cats.Length != s.Length)
        {
            throw new ArgumentException($"BatchedNms: {s.Length} boxes but {cats.Length} categories.", nameof(categories));
        }
        var keep = cats.Distinct()
            .SelectMany(cat => Nms(b, s, Enumerable.Range(0, s.Length).Where(i => cats[i] == cat).ToList(), (float)iouThreshold))
            .OrderByDescending(i => s[i]).ThenBy(i => i).ToList();
        return torch.tensor(keep.Select(i => (long)i).ToArray(), keep.Count);
    }

    private static List<int> Nms(float[] boxes, float[] scores, List<int> candidates, float threshold)
    {
        var order = candidates.OrderByDescending(i => scores[i]).ThenBy(i => i).ToList();
        var suppressed = new bool[scores.Length];
        var keep = new List<int>();
        for (var a = 0; a < order.Count; a++)
        {
            var i = order[a];
            if (suppressed[i])
            {
                continue;
            }
            keep.Add(i);
            var (ix0, iy0, ix1, iy1) = (boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]);
            var areaI = (ix1 - ix0) * (iy1 - iy0);
            for (var c = a + 1; c < order.Count; c++)
            {
                var j = order[c];
                if (suppressed[j])
                {
                    continue;
                }
                var (jx0, jy0, jx1, jy1) = (boxes[4 * j], boxes[4 * j + 1], boxes[4 * j + 2], boxes[4 * j + 3]);
                var w = MathF.Max(0f, MathF.Min(ix1, jx1) - MathF.Max(ix0, jx0));
                var h = MathF.Max(0f, MathF.Min(iy1, jy1) - MathF.Max(iy0, jy0));
                var inter = w * h;
                var areaJ = (jx1 - jx0) * (jy1 - jy0);
                if (inter / (areaI + areaJ - inter) > threshold)
                {
                    suppressed[j] = true;
                }
            }
        }
        return keep;
    }

    private static (float[] Boxes, float[] Scores) Read(Tensor boxes, Tensor scores)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        ArgumentNullException.ThrowIfNull(scores);
        if (boxes.dim() != 2 || boxes.size(1) != 4 || scores.dim() != 1 || scores.size(0) != boxes.size(0))
        {
            throw new ArgumentException($"NMS expects boxes (N, 4) and scores (N); got [{string.Join(", ", boxes.shape)}] and [{string.Join(", ", scores.shape)}].");
        }
        using var scope = torch.NewDisposeScope();
        return (boxes.to(ScalarType.Float32).cpu().contiguous().data<float>(), scores.to(ScalarType.Float32).cpu().contiguous().data<float>());
    }
}
