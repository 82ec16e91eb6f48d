namespace Vision.Models;

/// <summary>
/// What a model needs around it to be used as it was trained (timm's <c>pretrained_cfg</c>): how to rebuild it
/// (registered architecture, overrides, class count) and how its inputs were prepared (channels, size, mean/std in
/// pixel units 0–255, interpolation, crop fraction), with the class names. Trainer checkpoints store it, so testing
/// and inference preprocess exactly as validation did.
/// </summary>
public sealed record ModelMetadata
{
    /// <summary>The registered model name (e.g. "resnet18"), or null for a model built by hand.</summary>
    public string? Architecture { get; init; }

    /// <summary>Architecture settings beyond the common ones (e.g. <c>in_channels</c>), as given to the registry.</summary>
    public IReadOnlyDictionary<string, string> Overrides { get; init; } = new Dictionary<string, string>();

    /// <summary>The number of classes of the head.</summary>
    public long NumClasses { get; init; }

    /// <summary>The class names by label, when known.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>Input channels: 3 for RGB, 1 for grayscale.</summary>
    public int InChannels { get; init; } = 3;

    /// <summary>The square input side the model was built and validated for.</summary>
    public int ImageSize { get; init; } = 224;

    /// <summary>Per-channel mean subtracted from pixels (0–255 units), or null when inputs are not normalised.</summary>
    public IReadOnlyList<double>? Mean { get; init; }

    /// <summary>Per-channel std pixels are divided by (0–255 units), or null when inputs are not normalised.</summary>
    public IReadOnlyList<double>? Std { get; init; }

    /// <summary>The resize interpolation of evaluation (timm's <c>interpolation</c>): "bilinear", "bicubic", ….</summary>
    public string Interpolation { get; init; } = "bilinear";

    /// <summary>The center crop's share of the resized short side in evaluation (timm's <c>crop_pct</c>); 1 = no crop.</summary>
    public double CropPct { get; init; } = 0.875;
}
