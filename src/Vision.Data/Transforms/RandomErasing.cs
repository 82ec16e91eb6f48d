namespace Vision.Data.Transforms;

/// <summary>
/// Random Erasing (Zhong et al. 2017) with timm's semantics, on the normalised float (C, H, W) image that
/// <see cref="Normalize"/> produces. With probability <see cref="Probability"/> it erases a count of boxes drawn
/// from [<see cref="MinCount"/>, <see cref="MaxCount"/>]; each box gets an area fraction uniform in
/// <see cref="Area"/> divided by the count and a log-uniform aspect ratio, with up to 10 attempts to fit.
/// </summary>
public sealed class RandomErasing : ITransform
{
    private const int Attempts = 10;

    /// <summary>Creates the transform (timm's defaults).</summary>
    /// <param name="probability">Chance of erasing anything.</param>
    /// <param name="minArea">Smallest box area as a fraction of the image.</param>
    /// <param name="maxArea">Largest box area as a fraction of the image.</param>
    /// <param name="minAspect">Smallest aspect ratio (h / w); the largest is <paramref name="maxAspect"/> or 1 / minAspect.</param>
    /// <param name="maxAspect">Largest aspect ratio; null means 1 / <paramref name="minAspect"/>.</param>
    /// <param name="mode">What the boxes are filled with.</param>
    /// <param name="minCount">Fewest boxes.</param>
    /// <param name="maxCount">Most boxes; null means <paramref name="minCount"/>.</param>
    /// <exception cref="ArgumentException">A parameter is out of range; the message names it and its value.</exception>
    public RandomErasing(double probability = 0.5, double minArea = 0.02, double maxArea = 1.0 / 3, double minAspect = 0.3,
        double? maxAspect = null, ErasingMode mode = ErasingMode.Const, int minCount = 1, int? maxCount = null)
    {
        Probability = Check.Probability(probability);
        Area = Check.Range((minArea, maxArea), "area (minArea, maxArea)", upper: 1, positive: true);
        AspectRatio = Check.Range((minAspect, maxAspect ?? 1 / minAspect), "aspect ratio (minAspect, maxAspect)", positive: true);
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown erasing mode.");
        }
        Mode = mode;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minCount);
        if (maxCount < minCount)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCount), maxCount, $"maxCount must be at least minCount ({minCount}).");
        }
        MinCount = minCount;
        MaxCount = maxCount ?? minCount;
    }

    /// <summary>Chance of erasing anything.</summary>
    public double Probability { get; }

    /// <summary>The range of the total erased area, as a fraction of the image.</summary>
    public (double Min, double Max) Area { get; }

    /// <summary>The range of a box's aspect ratio, height / width.</summary>
    public (double Min, double Max) AspectRatio { get; }

    /// <summary>What the boxes are filled with.</summary>
    public ErasingMode Mode { get; }

    /// <summary>Fewest boxes.</summary>
    public int MinCount { get; }

    /// <summary>Most boxes.</summary>
    public int MaxCount { get; }

    /// <inheritdoc/>
    public DataSample Apply(DataSample sample, Random rng)
    {
        var image = sample.Image;
        if (image.dtype is not (ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16) || image.dim() != 3)
        {
            throw new ArgumentException(
                $"RandomErasing works on the normalised float (C, H, W) image; got {image.dtype} [{string.Join(", ", image.shape)}] " +
                $"from {sample.Source ?? $"sample {sample.Index}"}. Put it after Normalize.", nameof(sample));
        }
        if (rng.NextDouble() > Probability)
        {
            return sample;
        }
        var (channels, height, width) = ((int)image.size(0), (int)image.size(1), (int)image.size(2));
        var area = (double)height * width;
        var count = MinCount == MaxCount ? MinCount : rng.Next(MinCount, MaxCount + 1);
        double logMin = Math.Log(AspectRatio.Min), logMax = Math.Log(AspectRatio.Max);
        for (var box = 0; box < count; box++)
        {
            for (var attempt = 0; attempt < Attempts; attempt++)
            {
                var targetArea = Sampling.Uniform(rng, Area.Min, Area.Max) * area / count;
                var aspect = Math.Exp(Sampling.Uniform(rng, logMin, logMax));
                var h = (int)Math.Round(Math.Sqrt(targetArea * aspect));
                var w = (int)Math.Round(Math.Sqrt(targetArea / aspect));
                if (w < width && h < height)
                {
                    var top = rng.Next(height - h + 1);
                    var left = rng.Next(width - w + 1);
                    Erase(image, channels, top, left, h, w, rng);
                    break;
                }
            }
        }
        return sample;
    }

    private void Erase(Tensor image, int channels, int top, int left, int h, int w, Random rng)
    {
        using var scope = torch.NewDisposeScope();
        var box = image.narrow(1, top, h).narrow(2, left, w);
        if (Mode == ErasingMode.Const)
        {
            box.zero_();
            return;
        }
        var shape = Mode == ErasingMode.Pixel ? new long[] { channels, h, w } : [channels, 1, 1];
        var values = new float[shape[0] * shape[1] * shape[2]];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)Sampling.Normal(rng);
        }
        box.copy_(torch.tensor(values, shape));
    }
}
