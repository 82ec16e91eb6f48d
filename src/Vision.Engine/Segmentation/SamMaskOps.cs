namespace Vision.Engine.Segmentation;

/// <summary>
/// The pieces of SAM's automatic mask generation, as functions over tensors: prompt point grids, crop boxes, the
/// stability score, boxes of masks, and moving boxes, points and masks from a crop back to the image.
/// </summary>
public static class SamMaskOps
{
    /// <summary>
    /// An <paramref name="pointsPerSide"/>² grid of (x, y) points in [0, 1]², cell centres (1 / 2n from the edges),
    /// x varying fastest: (n², 2) float64.
    /// </summary>
    public static Tensor PointGrid(int pointsPerSide)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pointsPerSide);
        var n = pointsPerSide;
        var offset = 1.0 / (2 * n);
        // numpy.linspace: start + i · step, the last value exactly the stop.
        var step = n > 1 ? (1 - 2 * offset) / (n - 1) : 0;
        var side = Enumerable.Range(0, n).Select(i => i == n - 1 && n > 1 ? 1 - offset : offset + i * step).ToArray();
        var points = new double[n * n * 2];
        for (var y = 0; y < n; y++)
        {
            for (var x = 0; x < n; x++)
            {
                points[2 * (y * n + x)] = side[x];
                points[2 * (y * n + x) + 1] = side[y];
            }
        }
        return torch.tensor(points, n * n, 2);
    }

    /// <summary>
    /// One grid per crop layer: layer i has <c>(int)(pointsPerSide / scalePerLayer^i)</c> points per side.
    /// </summary>
    public static IReadOnlyList<Tensor> PointGrids(int pointsPerSide, int cropLayers, int scalePerLayer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cropLayers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scalePerLayer);
        return Enumerable.Range(0, cropLayers + 1).Select(i => PointGrid((int)(pointsPerSide / Math.Pow(scalePerLayer, i)))).ToList();
    }

    /// <summary>
    /// The crops (x0, y0, x1, y1) of an <paramref name="height"/>×<paramref name="width"/> image and their layers:
    /// the whole image (layer 0), then for layer i ≥ 1 a 2^i × 2^i grid of overlapping crops, the overlap being
    /// <paramref name="overlapRatio"/> of the short side scaled by 2 / 2^i; crops are listed x-major.
    /// </summary>
    public static IReadOnlyList<(long[] Box, int Layer)> CropBoxes(long height, long width, int cropLayers, double overlapRatio)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cropLayers);
        var crops = new List<(long[], int)> { ([0, 0, width, height], 0) };
        var shortSide = Math.Min(height, width);
        for (var layer = 0; layer < cropLayers; layer++)
        {
            var perSide = 1L << (layer + 1);
            var overlap = (long)(overlapRatio * shortSide * (2.0 / perSide));
            var cropW = (long)Math.Ceiling((overlap * (perSide - 1) + width) / (double)perSide);
            var cropH = (long)Math.Ceiling((overlap * (perSide - 1) + height) / (double)perSide);
            for (var i = 0; i < perSide; i++)
            {
                for (var j = 0; j < perSide; j++)
                {
                    var (x0, y0) = ((cropW - overlap) * i, (cropH - overlap) * j);
                    crops.Add(([x0, y0, Math.Min(x0 + cropW, width), Math.Min(y0 + cropH, height)], layer + 1));
                }
            }
        }
        return crops;
    }

    /// <summary>
    /// The stability score of mask logits (…, H, W): the IoU of the masks thresholded at
    /// <paramref name="maskThreshold"/> + <paramref name="offset"/> and at <paramref name="maskThreshold"/> − <paramref name="offset"/>
    /// (the first lies inside the second, so it is a ratio of pixel counts).
    /// </summary>
    public static Tensor StabilityScore(Tensor logits, double maskThreshold, double offset)
    {
        ArgumentNullException.ThrowIfNull(logits);
        using var scope = torch.NewDisposeScope();
        var intersections = (logits > maskThreshold + offset).sum([-1], dtype: ScalarType.Int16).sum([-1], dtype: ScalarType.Int32);
        var unions = (logits > maskThreshold - offset).sum([-1], dtype: ScalarType.Int16).sum([-1], dtype: ScalarType.Int32);
        return (intersections / unions).MoveToOuterDisposeScope();
    }

    /// <summary>The inclusive pixel boxes (x0, y0, x1, y1) of bool masks (…, H, W) as int64 (…, 4); all zeros for an empty mask.</summary>
    public static Tensor MasksToBoxes(Tensor masks)
    {
        ArgumentNullException.ThrowIfNull(masks);
        if (masks.dim() < 2)
        {
            throw new ArgumentException($"MasksToBoxes expects masks (…, H, W); got [{string.Join(", ", masks.shape)}].", nameof(masks));
        }
        var leading = masks.shape[..^2];
        if (masks.numel() == 0)
        {
            return torch.zeros([.. leading, 4], ScalarType.Int64);
        }
        using var scope = torch.NewDisposeScope();
        var (h, w) = (masks.size(-2), masks.size(-1));
        var flat = masks.ne(0).reshape(-1, h, w);
        var rows = flat.amax([-1]);
        var cols = flat.amax([-2]);
        var (top, bottom) = Extent(rows, h);
        var (left, right) = Extent(cols, w);
        var empty = right.lt(left) | bottom.lt(top);
        var boxes = torch.stack([left, top, right, bottom], -1) * empty.logical_not().unsqueeze(-1);
        return boxes.reshape([.. leading, 4]).MoveToOuterDisposeScope();
    }

    // First and last set index along a (B, n) bool map; an empty row gives (n, 0).
    private static (Tensor First, Tensor Last) Extent(Tensor occupied, long n)
    {
        var coords = occupied * torch.arange(n, ScalarType.Int64, occupied.device).unsqueeze(0);
        var last = coords.amax([-1]);
        var first = (coords + occupied.logical_not() * n).amin([-1]);
        return (first, last);
    }

    /// <summary>
    /// Which boxes (N, 4) of a crop touch the crop's edge (within <paramref name="tolerance"/> pixels, in image
    /// coordinates) where that edge is not also the image's edge: masks cut by the crop, not by the image.
    /// </summary>
    public static Tensor IsBoxNearCropEdge(Tensor boxes, long[] cropBox, long[] imageBox, double tolerance = 20.0)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        using var scope = torch.NewDisposeScope();
        var crop = torch.tensor(cropBox.Select(v => (float)v).ToArray(), 1, 4).to(boxes.device);
        var image = torch.tensor(imageBox.Select(v => (float)v).ToArray(), 1, 4).to(boxes.device);
        var shifted = UncropBoxes(boxes, cropBox).to(ScalarType.Float32);
        var nearCrop = (shifted - crop).abs() <= tolerance;
        var nearImage = (shifted - image).abs() <= tolerance;
        return (nearCrop & nearImage.logical_not()).amax([1]).MoveToOuterDisposeScope();
    }

    /// <summary>Crop-frame boxes (N, 4) moved into the image by the crop's origin.</summary>
    public static Tensor UncropBoxes(Tensor boxes, long[] cropBox)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        using var offset = torch.tensor(new[] { cropBox[0], cropBox[1], cropBox[0], cropBox[1] }, 1, 4).to(boxes.device);
        return boxes + offset;
    }

    /// <summary>Crop-frame points (N, 2) moved into the image by the crop's origin.</summary>
    public static Tensor UncropPoints(Tensor points, long[] cropBox)
    {
        ArgumentNullException.ThrowIfNull(points);
        using var offset = torch.tensor(new[] { cropBox[0], cropBox[1] }, 1, 2).to(points.device);
        return points + offset;
    }

    /// <summary>Crop-sized masks (N, h, w) zero-padded into an <paramref name="height"/>×<paramref name="width"/> image.</summary>
    public static Tensor UncropMasks(Tensor masks, long[] cropBox, long height, long width)
    {
        ArgumentNullException.ThrowIfNull(masks);
        if (cropBox[0] == 0 && cropBox[1] == 0 && cropBox[2] == width && cropBox[3] == height)
        {
            return masks.alias();
        }
        return nn.functional.pad(masks, [cropBox[0], width - cropBox[2], cropBox[1], height - cropBox[3]]);
    }
}
