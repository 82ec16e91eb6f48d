namespace Vision.Data.BatchAugments;

/// <summary>
/// The rectangle CutMix pastes from the paired image: rows [Top, Bottom) and columns [Left, Right). The two
/// samplers follow timm's <c>rand_bbox</c> and <c>rand_bbox_minmax</c> draw for draw.
/// </summary>
public readonly record struct CutMixBox(int Top, int Bottom, int Left, int Right)
{
    /// <summary>Rows covered.</summary>
    public int Height => Bottom - Top;

    /// <summary>Columns covered.</summary>
    public int Width => Right - Left;

    /// <summary>Pixels covered.</summary>
    public int Area => Height * Width;

    /// <summary>
    /// timm's <c>rand_bbox</c>: a cut of int(H·√(1-λ)) × int(W·√(1-λ)) centred on a uniform pixel (cy =
    /// rng.Next(H), then cx = rng.Next(W)), each side extending half the cut (floored) and clipped to the image.
    /// The clipped box can be smaller than the cut, which <see cref="CorrectedLambda"/> accounts for.
    /// </summary>
    public static CutMixBox Sample(Random rng, int height, int width, double lam)
    {
        var ratio = Math.Sqrt(1 - lam);
        var cutH = (int)(height * ratio);
        var cutW = (int)(width * ratio);
        var cy = rng.Next(height);
        var cx = rng.Next(width);
        return new CutMixBox(
            Math.Clamp(cy - cutH / 2, 0, height), Math.Clamp(cy + cutH / 2, 0, height),
            Math.Clamp(cx - cutW / 2, 0, width), Math.Clamp(cx + cutW / 2, 0, width));
    }

    /// <summary>
    /// timm's <c>rand_bbox_minmax</c>: side lengths uniform in [int(H·min), int(H·max)) and [int(W·min),
    /// int(W·max)), then a uniform top-left corner that keeps the box inside the image (draws: height, width, top, left).
    /// </summary>
    public static CutMixBox SampleMinMax(Random rng, int height, int width, double min, double max)
    {
        var cutH = rng.Next((int)(height * min), (int)(height * max));
        var cutW = rng.Next((int)(width * min), (int)(width * max));
        var top = rng.Next(height - cutH);
        var left = rng.Next(width - cutW);
        return new CutMixBox(top, top + cutH, left, left + cutW);
    }

    /// <summary>The share of the image the box leaves to the original: 1 - area / (H·W) (timm's correct_lam).</summary>
    public double CorrectedLambda(int height, int width) => 1.0 - (double)Area / ((double)height * width);
}
