using Vision.Data.Image;

namespace Vision.Data.Transforms;

/// <summary>
/// Randomly changes brightness, contrast, saturation and hue, in a random order, with factors drawn uniformly
/// from their ranges (torchvision's ColorJitter and its tensor formulas on uint8 images). A range equal to the
/// identity (1, 1) — or (0, 0) for hue — is skipped.
/// </summary>
public sealed class ColorJitter : ITransform
{
    /// <summary>
    /// torchvision's single-number form: brightness, contrast and saturation factors are drawn from
    /// [max(0, 1 - v), 1 + v], the hue shift from [-v, v] with v ≤ 0.5. Zero disables an adjustment.
    /// </summary>
    /// <exception cref="ArgumentException">A value is negative or hue exceeds 0.5; the message names it.</exception>
    public ColorJitter(double brightness = 0, double contrast = 0, double saturation = 0, double hue = 0)
        : this(Around(brightness, 1, nameof(brightness)), Around(contrast, 1, nameof(contrast)),
            Around(saturation, 1, nameof(saturation)), Around(hue, 0, nameof(hue)))
    {
    }

    /// <summary>
    /// Explicit (min, max) factor ranges; null disables an adjustment. Brightness, contrast and saturation
    /// factors must be non-negative, hue shifts (in turns of the colour wheel) within [-0.5, 0.5].
    /// </summary>
    /// <exception cref="ArgumentException">A range is reversed or out of bounds; the message names it.</exception>
    public ColorJitter((double Min, double Max)? brightness, (double Min, double Max)? contrast,
        (double Min, double Max)? saturation, (double Min, double Max)? hue)
    {
        Brightness = Factor(brightness, nameof(brightness), 1, 0, double.PositiveInfinity);
        Contrast = Factor(contrast, nameof(contrast), 1, 0, double.PositiveInfinity);
        Saturation = Factor(saturation, nameof(saturation), 1, 0, double.PositiveInfinity);
        Hue = Factor(hue, nameof(hue), 0, -0.5, 0.5);
    }

    /// <summary>The brightness factor range (0 gives black, 1 the original), or null.</summary>
    public (double Min, double Max)? Brightness { get; }

    /// <summary>The contrast factor range (0 gives uniform grey at the mean luma), or null.</summary>
    public (double Min, double Max)? Contrast { get; }

    /// <summary>The saturation factor range (0 gives grayscale), or null.</summary>
    public (double Min, double Max)? Saturation { get; }

    /// <summary>The hue shift range in turns, or null.</summary>
    public (double Min, double Max)? Hue { get; }

    /// <inheritdoc/>
    public DataSample Apply(DataSample sample, Random rng)
    {
        // torchvision draws the order first, then the factors in a fixed order.
        var order = Sampling.Permutation(rng, 4);
        var factors = new[] { Draw(Brightness, rng), Draw(Contrast, rng), Draw(Saturation, rng), Draw(Hue, rng) };
        foreach (var op in order)
        {
            if (factors[op] is not { } factor)
            {
                continue;
            }
            sample.Image = op switch
            {
                0 => ImageOps.AdjustBrightness(sample.Image, factor),
                1 => ImageOps.AdjustContrast(sample.Image, factor),
                2 => ImageOps.AdjustSaturation(sample.Image, factor),
                _ => ImageOps.AdjustHue(sample.Image, factor),
            };
        }
        return sample;
    }

    private static double? Draw((double Min, double Max)? range, Random rng) =>
        range is { } r ? Sampling.Uniform(rng, r.Min, r.Max) : null;

    private static (double Min, double Max)? Around(double value, double center, string name)
    {
        if (!(value >= 0))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} as a single number must be non-negative.");
        }
        // The factors of brightness, contrast and saturation cannot go below 0.
        return (center == 1 ? Math.Max(center - value, 0) : center - value, center + value);
    }

    private static (double Min, double Max)? Factor((double Min, double Max)? range, string name, double identity, double lower, double upper)
    {
        if (range is not { } r)
        {
            return null;
        }
        Check.Range(r, name, lower, upper);
        return r.Min == identity && r.Max == identity ? null : r;
    }
}
