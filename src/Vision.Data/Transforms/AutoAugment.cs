using Vision.Data.Image;

namespace Vision.Data.Transforms;

/// <summary>
/// AutoAugment (Cubuk et al. 2018) with timm's semantics: each sample gets one sub-policy drawn uniformly from
/// the policy, whose two operations each apply with their own probability and magnitude (optionally with Gaussian
/// magnitude noise). Build it from a timm config string with <see cref="Parse"/>, e.g. <c>original-mstd0.5</c>.
/// Works on uint8 (H, W, C) images.
/// </summary>
public sealed class AutoAugment : ITransform
{
    // timm's auto_augment_policy_original: (operation, probability, magnitude) pairs.
    private static readonly (string, double, int)[][] OriginalPolicy =
    [
        [("PosterizeOriginal", 0.4, 8), ("Rotate", 0.6, 9)],
        [("Solarize", 0.6, 5), ("AutoContrast", 0.6, 5)],
        [("Equalize", 0.8, 8), ("Equalize", 0.6, 3)],
        [("PosterizeOriginal", 0.6, 7), ("PosterizeOriginal", 0.6, 6)],
        [("Equalize", 0.4, 7), ("Solarize", 0.2, 4)],
        [("Equalize", 0.4, 4), ("Rotate", 0.8, 8)],
        [("Solarize", 0.6, 3), ("Equalize", 0.6, 7)],
        [("PosterizeOriginal", 0.8, 5), ("Equalize", 1.0, 2)],
        [("Rotate", 0.2, 3), ("Solarize", 0.6, 8)],
        [("Equalize", 0.6, 8), ("PosterizeOriginal", 0.4, 6)],
        [("Rotate", 0.8, 8), ("Color", 0.4, 0)],
        [("Rotate", 0.4, 9), ("Equalize", 0.6, 2)],
        [("Equalize", 0.0, 7), ("Equalize", 0.8, 8)],
        [("Invert", 0.6, 4), ("Equalize", 1.0, 8)],
        [("Color", 0.6, 4), ("Contrast", 1.0, 8)],
        [("Rotate", 0.8, 8), ("Color", 1.0, 2)],
        [("Color", 0.8, 8), ("Solarize", 0.8, 7)],
        [("Sharpness", 0.4, 7), ("Invert", 0.6, 8)],
        [("ShearX", 0.6, 5), ("Equalize", 1.0, 9)],
        [("Color", 0.4, 0), ("Equalize", 0.6, 3)],
        [("Equalize", 0.4, 7), ("Solarize", 0.2, 4)],
        [("Solarize", 0.6, 5), ("AutoContrast", 0.6, 5)],
        [("Invert", 0.6, 4), ("Equalize", 1.0, 8)],
        [("Color", 0.6, 4), ("Contrast", 1.0, 8)],
        [("Equalize", 0.8, 8), ("Equalize", 0.6, 3)],
    ];

    // timm's auto_augment_policy_v0.
    private static readonly (string, double, int)[][] V0Policy =
    [
        [("Equalize", 0.8, 1), ("ShearY", 0.8, 4)],
        [("Color", 0.4, 9), ("Equalize", 0.6, 3)],
        [("Color", 0.4, 1), ("Rotate", 0.6, 8)],
        [("Solarize", 0.8, 3), ("Equalize", 0.4, 7)],
        [("Solarize", 0.4, 2), ("Solarize", 0.6, 2)],
        [("Color", 0.2, 0), ("Equalize", 0.8, 8)],
        [("Equalize", 0.4, 8), ("SolarizeAdd", 0.8, 3)],
        [("ShearX", 0.2, 9), ("Rotate", 0.6, 8)],
        [("Color", 0.6, 1), ("Equalize", 1.0, 2)],
        [("Invert", 0.4, 9), ("Rotate", 0.6, 0)],
        [("Equalize", 1.0, 9), ("ShearY", 0.6, 3)],
        [("Color", 0.4, 7), ("Equalize", 0.6, 0)],
        [("Posterize", 0.4, 6), ("AutoContrast", 0.4, 7)],
        [("Solarize", 0.6, 8), ("Color", 0.6, 9)],
        [("Solarize", 0.2, 4), ("Rotate", 0.8, 9)],
        [("Rotate", 1.0, 7), ("TranslateYRel", 0.8, 9)],
        [("ShearX", 0.0, 0), ("Solarize", 0.8, 4)],
        [("ShearY", 0.8, 0), ("Color", 0.6, 4)],
        [("Color", 1.0, 0), ("Rotate", 0.6, 2)],
        [("Equalize", 0.8, 4), ("Equalize", 0.0, 8)],
        [("Equalize", 1.0, 4), ("AutoContrast", 0.6, 2)],
        [("ShearY", 0.4, 7), ("SolarizeAdd", 0.6, 7)],
        [("Posterize", 0.8, 2), ("Solarize", 0.6, 10)],
        [("Solarize", 0.6, 8), ("Equalize", 0.6, 1)],
        [("Color", 0.8, 6), ("Rotate", 0.4, 5)],
    ];

    private readonly AugmentOp[][] subPolicies;

    /// <summary>Creates the transform.</summary>
    /// <param name="policy">The policy.</param>
    /// <param name="magnitudeStd">Std of the magnitude noise (timm's mstd); 0 keeps the policy's magnitudes.</param>
    /// <param name="fill">Colour brought in by rotate/shear/translate: one value or one per channel; default 128.</param>
    /// <param name="interpolation">Resampling of the geometric operations; null picks bilinear or bicubic at random each time.</param>
    /// <exception cref="ArgumentException">A parameter is out of range; the message names it and its value.</exception>
    public AutoAugment(AutoAugmentPolicy policy = AutoAugmentPolicy.Original, double magnitudeStd = 0,
        IReadOnlyList<double>? fill = null, Interpolation? interpolation = null)
    {
        var settings = AugmentSettings.Create(magnitudeStd, AugmentOp.LevelDenominator, fill, interpolation);
        var (table, researchPosterize) = policy switch
        {
            AutoAugmentPolicy.Original => (OriginalPolicy, false),
            AutoAugmentPolicy.OriginalR => (OriginalPolicy, true),
            AutoAugmentPolicy.V0 => (V0Policy, false),
            AutoAugmentPolicy.V0R => (V0Policy, true),
            _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "Unknown AutoAugment policy."),
        };
        subPolicies = table
            .Select(sub => sub.Select(op => new AugmentOp(
                researchPosterize && op.Item1.StartsWith("Posterize", StringComparison.Ordinal) ? "PosterizeIncreasing" : op.Item1,
                op.Item2, op.Item3, settings)).ToArray())
            .ToArray();
        Policy = policy;
        MagnitudeStd = magnitudeStd;
    }

    /// <summary>The policy.</summary>
    public AutoAugmentPolicy Policy { get; }

    /// <summary>Std of the magnitude noise.</summary>
    public double MagnitudeStd { get; }

    /// <summary>
    /// Parses a timm AutoAugment config: the policy (<c>original</c>, <c>originalr</c>, <c>v0</c>, <c>v0r</c>)
    /// optionally followed by <c>-mstd</c> and the noise std, e.g. <c>original-mstd0.5</c>.
    /// </summary>
    /// <exception cref="FormatException">The string is not an AutoAugment config; the message names the part.</exception>
    public static AutoAugment Parse(string config, IReadOnlyList<double>? fill = null, Interpolation? interpolation = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var sections = config.Split('-');
        var policy = sections[0] switch
        {
            "original" => AutoAugmentPolicy.Original,
            "originalr" => AutoAugmentPolicy.OriginalR,
            "v0" => AutoAugmentPolicy.V0,
            "v0r" => AutoAugmentPolicy.V0R,
            _ => throw new FormatException($"AutoAugment config '{config}': unknown policy '{sections[0]}' (known: original, originalr, v0, v0r)."),
        };
        double std = 0;
        foreach (var (key, value) in RandAugment.ConfigSections(config, sections.Skip(1)))
        {
            std = key == "mstd" ? value : throw new FormatException($"AutoAugment config '{config}': unknown section '{key}' (known: mstd).");
        }
        return new AutoAugment(policy, std, fill, interpolation);
    }

    /// <inheritdoc/>
    public DataSample Apply(DataSample sample, Random rng)
    {
        foreach (var op in subPolicies[rng.Next(subPolicies.Length)])
        {
            sample.Image = op.Apply(sample.Image, rng);
        }
        return sample;
    }
}
