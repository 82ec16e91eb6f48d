using System.Globalization;
using Vision.Data.Image;

namespace Vision.Data.Transforms;

/// <summary>
/// RandAugment (Cubuk et al. 2019) with timm's semantics: each sample gets <see cref="NumLayers"/> operations
/// drawn uniformly (with replacement) from timm's 15, each applied with probability <see cref="Probability"/> at
/// magnitude <see cref="Magnitude"/> (0–10) plus Gaussian noise of std <see cref="MagnitudeStd"/>, clipped to
/// [0, <see cref="MagnitudeMax"/>]. Build it from a timm config string with <see cref="Parse"/>, e.g.
/// <c>rand-m9-mstd0.5-inc1</c> (DeiT's recipe). Works on uint8 (H, W, C) images.
/// </summary>
public sealed class RandAugment : ITransform
{
    // timm's _RAND_TRANSFORMS (its 'Cutout' is left to RandomErasing, as in timm).
    private static readonly string[] Standard =
    [
        "AutoContrast", "Equalize", "Invert", "Rotate", "Posterize", "Solarize", "SolarizeAdd", "Color", "Contrast",
        "Brightness", "Sharpness", "ShearX", "ShearY", "TranslateXRel", "TranslateYRel",
    ];

    // timm's _RAND_INCREASING_TRANSFORMS: severity grows with magnitude for every operation.
    private static readonly string[] Increasing =
    [
        "AutoContrast", "Equalize", "Invert", "Rotate", "PosterizeIncreasing", "SolarizeIncreasing", "SolarizeAdd",
        "ColorIncreasing", "ContrastIncreasing", "BrightnessIncreasing", "SharpnessIncreasing", "ShearX", "ShearY",
        "TranslateXRel", "TranslateYRel",
    ];

    private readonly AugmentOp[] ops;

    /// <summary>Creates the transform; the defaults are timm's (<c>rand</c> alone: m10, n2, p0.5, no noise).</summary>
    /// <param name="numLayers">Operations per sample (timm's n).</param>
    /// <param name="magnitude">Magnitude on the 0–10 scale (m).</param>
    /// <param name="magnitudeStd">Std of the magnitude noise (mstd); +∞ samples uniformly from [0, magnitude].</param>
    /// <param name="magnitudeMax">Upper clip of the noisy magnitude (mmax).</param>
    /// <param name="increasing">Use the operations whose severity increases with magnitude (inc1).</param>
    /// <param name="probability">Chance that a drawn operation is applied (p).</param>
    /// <param name="fill">Colour brought in by rotate/shear/translate: one value or one per channel. timm's
    /// create_transform passes the dataset mean, 255 · mean rounded (124, 116, 104 for ImageNet); default 128.</param>
    /// <param name="interpolation">Resampling of the geometric operations; null picks bilinear or bicubic at random each time.</param>
    /// <exception cref="ArgumentException">A parameter is out of range; the message names it and its value.</exception>
    public RandAugment(int numLayers = 2, double magnitude = 10, double magnitudeStd = 0, double magnitudeMax = 10, bool increasing = false,
        double probability = 0.5, IReadOnlyList<double>? fill = null, Interpolation? interpolation = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(numLayers);
        if (!(magnitude >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(magnitude), magnitude, "magnitude must be non-negative.");
        }
        var settings = AugmentSettings.Create(magnitudeStd, magnitudeMax, fill, interpolation);
        NumLayers = numLayers;
        Magnitude = magnitude;
        MagnitudeStd = magnitudeStd;
        MagnitudeMax = magnitudeMax;
        Probability = Check.Probability(probability);
        ops = (increasing ? Increasing : Standard).Select(name => new AugmentOp(name, probability, magnitude, settings)).ToArray();
    }

    /// <summary>Operations per sample.</summary>
    public int NumLayers { get; }

    /// <summary>Magnitude on the 0–10 scale.</summary>
    public double Magnitude { get; }

    /// <summary>Std of the magnitude noise (+∞: uniform in [0, magnitude]).</summary>
    public double MagnitudeStd { get; }

    /// <summary>Upper clip of the noisy magnitude.</summary>
    public double MagnitudeMax { get; }

    /// <summary>Chance that a drawn operation is applied.</summary>
    public double Probability { get; }

    /// <summary>The names of the operations drawn from (timm's names).</summary>
    public IReadOnlyList<string> Operations => ops.Select(op => op.Name).ToArray();

    /// <summary>
    /// Parses a timm RandAugment config: <c>rand</c> followed by dash-separated sections <c>m</c> (magnitude),
    /// <c>n</c> (layers), <c>mstd</c> (noise std; over 100 means uniform), <c>mmax</c> (magnitude clip), <c>inc</c>
    /// (1 = increasing operations; unlike timm, inc0 turns them off) and <c>p</c> (probability), e.g.
    /// <c>rand-m9-mstd0.5-inc1</c>. Weighted op choice (timm's <c>w</c>) is not supported.
    /// </summary>
    /// <exception cref="FormatException">The string is not a RandAugment config; the message names the section.</exception>
    public static RandAugment Parse(string config, IReadOnlyList<double>? fill = null, Interpolation? interpolation = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var sections = config.Split('-');
        if (sections[0] != "rand")
        {
            throw new FormatException($"RandAugment config '{config}' must start with 'rand'.");
        }
        int layers = 2;
        double magnitude = AugmentOp.LevelDenominator, std = 0, max = AugmentOp.LevelDenominator, probability = 0.5;
        var increasing = false;
        foreach (var (key, value) in ConfigSections(config, sections.Skip(1)))
        {
            switch (key)
            {
                case "m": magnitude = value; break;
                case "n": layers = (int)value; break;
                case "mstd": std = value > 100 ? double.PositiveInfinity : value; break;
                case "mmax": max = value; break;
                case "inc": increasing = value != 0; break;
                case "p": probability = value; break;
                default:
                    throw new FormatException(
                        $"RandAugment config '{config}': unknown section '{key}' (known: m, n, mstd, mmax, inc, p; timm's weighted choice 'w' is not supported).");
            }
        }
        return new RandAugment(layers, magnitude, std, max, increasing, probability, fill, interpolation);
    }

    /// <summary>
    /// Splits timm config sections such as "mstd0.5" into key and number at the first digit (timm's
    /// <c>re.split(r'(\d.*)')</c>).
    /// </summary>
    internal static IEnumerable<(string Key, double Value)> ConfigSections(string config, IEnumerable<string> sections)
    {
        foreach (var section in sections)
        {
            var split = section.AsSpan().IndexOfAnyInRange('0', '9');
            if (split <= 0 || !double.TryParse(section.AsSpan(split), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                throw new FormatException($"Config '{config}': section '{section}' is not a key followed by a number (e.g. m9, mstd0.5).");
            }
            yield return (section[..split], value);
        }
    }

    /// <inheritdoc/>
    public DataSample Apply(DataSample sample, Random rng)
    {
        for (var i = 0; i < NumLayers; i++)
        {
            sample.Image = ops[rng.Next(ops.Length)].Apply(sample.Image, rng);
        }
        return sample;
    }
}
