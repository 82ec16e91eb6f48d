using Microsoft.Extensions.Configuration;

namespace Vision.Engine.Training;

/// <summary>
/// Batch preprocessing (MMPreTrain's <c>data_preprocessor</c>): uint8 images become float32 and, when
/// <see cref="Mean"/> and <see cref="Std"/> are given, are normalised per channel as <c>(x - mean) / std</c>.
/// Like MMPreTrain the values are on the 0–255 scale (ImageNet: mean 123.675, 116.28, 103.53; std 58.395, 57.12, 57.375).
/// </summary>
public sealed class DataPreprocessorOptions
{
    /// <summary>Per-channel means (<c>mean</c>); null = no normalisation.</summary>
    [ConfigurationKeyName("mean")]
    public double[]? Mean { get; set; }

    /// <summary>Per-channel standard deviations (<c>std</c>); given together with <see cref="Mean"/>.</summary>
    [ConfigurationKeyName("std")]
    public double[]? Std { get; set; }
}
