using Vision.Data.Image;

namespace Vision.Data.Transforms;

/// <summary>
/// One operation of timm's AutoAugment/RandAugment family (timm's AugmentOp): applied with a probability, at a
/// magnitude on timm's 0–10 scale, optionally perturbed by Gaussian noise, which timm's level functions map to
/// the operation's argument. The pixel operations follow torchvision's tensor ops (the enhance factors are PIL's
/// ImageEnhance factors); geometric ones reproduce PIL's affine maps with OpenCV.
/// </summary>
internal sealed class AugmentOp
{
    /// <summary>timm's magnitude scale: magnitude / 10 is the fraction of each operation's maximal strength.</summary>
    internal const double LevelDenominator = 10;

    // timm's default translate_pct: translations move by up to 45% of the side.
    private const double TranslatePercent = 0.45;

    private delegate Tensor Operation(Tensor image, double level, Random rng, AugmentSettings settings);

    // timm's NAME_TO_OP and LEVEL_TO_ARG in one table; level is the clipped magnitude / 10.
    private static readonly Dictionary<string, Operation> Operations = new(StringComparer.Ordinal)
    {
        ["AutoContrast"] = (img, _, _, _) => AutoContrast(img),
        ["Equalize"] = (img, _, _, _) => Equalize(img),
        ["Invert"] = (img, _, _, _) => Point(img, v => 255 - v),
        ["Rotate"] = (img, level, rng, s) => Rotate(img, Negate(level * 30, rng), rng, s),
        ["Posterize"] = (img, level, _, _) => Posterize(img, (int)(level * 4)),
        ["PosterizeIncreasing"] = (img, level, _, _) => Posterize(img, 4 - (int)(level * 4)),
        ["PosterizeOriginal"] = (img, level, _, _) => Posterize(img, (int)(level * 4) + 4),
        ["Solarize"] = (img, level, _, _) => Solarize(img, (int)(level * 256)),
        ["SolarizeIncreasing"] = (img, level, _, _) => Solarize(img, 256 - (int)(level * 256)),
        ["SolarizeAdd"] = (img, level, _, _) => SolarizeAdd(img, (int)(level * 110)),
        ["Color"] = (img, level, _, _) => ImageOps.AdjustSaturation(img, Enhance(level)),
        ["ColorIncreasing"] = (img, level, rng, _) => ImageOps.AdjustSaturation(img, EnhanceIncreasing(level, rng)),
        ["Contrast"] = (img, level, _, _) => ImageOps.AdjustContrast(img, Enhance(level)),
        ["ContrastIncreasing"] = (img, level, rng, _) => ImageOps.AdjustContrast(img, EnhanceIncreasing(level, rng)),
        ["Brightness"] = (img, level, _, _) => ImageOps.AdjustBrightness(img, Enhance(level)),
        ["BrightnessIncreasing"] = (img, level, rng, _) => ImageOps.AdjustBrightness(img, EnhanceIncreasing(level, rng)),
        ["Sharpness"] = (img, level, _, _) => ImageOps.AdjustSharpness(img, Enhance(level)),
        ["SharpnessIncreasing"] = (img, level, rng, _) => ImageOps.AdjustSharpness(img, EnhanceIncreasing(level, rng)),
        ["ShearX"] = (img, level, rng, s) => Shear(img, Negate(level * 0.3, rng), horizontal: true, rng, s),
        ["ShearY"] = (img, level, rng, s) => Shear(img, Negate(level * 0.3, rng), horizontal: false, rng, s),
        ["TranslateXRel"] = (img, level, rng, s) => Translate(img, Negate(level * TranslatePercent, rng), horizontal: true, rng, s),
        ["TranslateYRel"] = (img, level, rng, s) => Translate(img, Negate(level * TranslatePercent, rng), horizontal: false, rng, s),
    };

    private readonly Operation operation;
    private readonly AugmentSettings settings;

    /// <summary>Creates the operation <paramref name="name"/> (timm's name, e.g. "Rotate", "SolarizeIncreasing").</summary>
    /// <exception cref="ArgumentException">The name is not one of timm's operations.</exception>
    internal AugmentOp(string name, double probability, double magnitude, AugmentSettings settings)
    {
        operation = Operations.TryGetValue(name, out var op)
            ? op
            : throw new ArgumentException($"Unknown augmentation operation '{name}'; known: {string.Join(", ", Operations.Keys)}.", nameof(name));
        Name = name;
        Probability = probability;
        Magnitude = magnitude;
        this.settings = settings;
    }

    /// <summary>timm's operation name.</summary>
    internal string Name { get; }

    /// <summary>The chance of applying the operation.</summary>
    internal double Probability { get; }

    /// <summary>The magnitude on timm's 0–10 scale before noise.</summary>
    internal double Magnitude { get; }

    /// <summary>Applies the operation (or not, by <see cref="Probability"/>); returns a new image, or the input when skipped.</summary>
    internal Tensor Apply(Tensor image, Random rng)
    {
        if (Probability < 1 && rng.NextDouble() > Probability)
        {
            return image;
        }
        var magnitude = Magnitude;
        if (settings.MagnitudeStd > 0)
        {
            magnitude = double.IsPositiveInfinity(settings.MagnitudeStd)
                ? Sampling.Uniform(rng, 0, magnitude)
                : magnitude + settings.MagnitudeStd * Sampling.Normal(rng);
        }
        magnitude = Math.Max(0, Math.Min(magnitude, settings.MagnitudeMax));
        return operation(image, magnitude / LevelDenominator, rng, settings);
    }

    private static double Negate(double value, Random rng) => rng.NextDouble() > 0.5 ? -value : value;

    // PIL ImageEnhance factor in [0.1, 1.9], the same direction for every magnitude.
    private static double Enhance(double level) => level * 1.8 + 0.1;

    // Moves away from the identity factor 1 in a random direction as the magnitude grows, keeping it ≥ 0.1.
    private static double EnhanceIncreasing(double level, Random rng) => Math.Max(0.1, 1.0 + Negate(level * 0.9, rng));

    private static Tensor Posterize(Tensor image, int bits)
    {
        if (bits >= 8)
        {
            return image;
        }
        var mask = ~((1 << (8 - Math.Max(bits, 0))) - 1);
        return Point(image, v => v & mask);
    }

    private static Tensor Solarize(Tensor image, int threshold) => Point(image, v => v >= threshold ? 255 - v : v);

    private static Tensor SolarizeAdd(Tensor image, int add) => Point(image, v => v < 128 ? Math.Min(255, v + add) : v);

    // The same value map on every channel.
    private static Tensor Point(Tensor image, Func<int, int> map)
    {
        var table = new byte[256];
        for (var v = 0; v < 256; v++)
        {
            table[v] = (byte)map(v);
        }
        return ImageOps.Lut(image, table);
    }

    // torchvision's autocontrast: per channel, stretch [min, max] to [0, 255] in float32, truncating.
    private static Tensor AutoContrast(Tensor image)
    {
        var channels = ImageOps.Dimensions(image).Channels;
        var histogram = ImageOps.Histogram(image);
        var table = new byte[256 * channels];
        for (var c = 0; c < channels; c++)
        {
            var counts = histogram.AsSpan(c * 256, 256);
            int low = counts.IndexOfAnyExcept(0L), high = counts.LastIndexOfAnyExcept(0L);
            var scale = high > low ? 255f / (high - low) : 1f;
            var offset = high > low ? low : 0;
            for (var v = 0; v < 256; v++)
            {
                table[v * channels + c] = (byte)Math.Clamp(((float)v - offset) * scale, 0f, 255f);
            }
        }
        return ImageOps.Lut(image, table);
    }

    // torchvision's/PIL's equalize: per channel, map through the cumulative histogram in steps of
    // (pixels - pixels of the last occupied value) / 255.
    private static Tensor Equalize(Tensor image)
    {
        var channels = ImageOps.Dimensions(image).Channels;
        var histogram = ImageOps.Histogram(image);
        var table = new byte[256 * channels];
        for (var c = 0; c < channels; c++)
        {
            var counts = histogram.AsSpan(c * 256, 256);
            var last = counts.LastIndexOfAnyExcept(0L);
            long total = 0;
            foreach (var n in counts)
            {
                total += n;
            }
            var step = last < 0 ? 0 : (total - counts[last]) / 255;
            long cumulative = 0;
            for (var v = 0; v < 256; v++)
            {
                table[v * channels + c] = step == 0 ? (byte)v : (byte)Math.Min(255, (cumulative + step / 2) / step);
                cumulative += counts[v];
            }
        }
        return ImageOps.Lut(image, table);
    }

    // PIL's rotate (counter-clockwise by degrees about the image centre) as an inverse map in pixel-index coordinates.
    private static Tensor Rotate(Tensor image, double degrees, Random rng, AugmentSettings settings)
    {
        var (height, width, _) = ImageOps.Dimensions(image);
        var angle = -degrees * Math.PI / 180;
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        double cx = (width - 1) / 2.0, cy = (height - 1) / 2.0;
        return Warp(image, [cos, sin, cx - cos * cx - sin * cy, -sin, cos, cy + sin * cx - cos * cy], rng, settings);
    }

    // PIL's shear: output (x, y) samples the input at (x + f y, y) (or (x, y + f x)) with pixel centres at +0.5.
    private static Tensor Shear(Tensor image, double factor, bool horizontal, Random rng, AugmentSettings settings) =>
        Warp(image, horizontal ? [1, factor, factor / 2, 0, 1, 0] : [1, 0, 0, factor, 1, factor / 2], rng, settings);

    // Moves the content by a fraction of the width (or height); positive fractions sample from further right (down).
    private static Tensor Translate(Tensor image, double fraction, bool horizontal, Random rng, AugmentSettings settings)
    {
        var (height, width, _) = ImageOps.Dimensions(image);
        return Warp(image, horizontal ? [1, 0, fraction * width, 0, 1, 0] : [1, 0, 0, 0, 1, fraction * height], rng, settings);
    }

    // timm picks bilinear or bicubic at random for each geometric operation unless an interpolation is set.
    private static Tensor Warp(Tensor image, double[] inverseMatrix, Random rng, AugmentSettings settings) =>
        ImageOps.WarpAffine(image, inverseMatrix,
            settings.Interpolation ?? (rng.Next(2) == 0 ? Interpolation.Bilinear : Interpolation.Bicubic), settings.Fill);
}
