using Microsoft.Extensions.Configuration;

namespace Vision.Engine.Training;

/// <summary>
/// Gradient clipping before each optimizer step (<c>clip_grad</c>): by total norm (<see cref="MaxNorm"/>, as
/// <c>clip_grad_norm_</c>) or by value (<see cref="ClipValue"/>, as <c>clip_grad_value_</c>); at most one. With loss
/// scaling the gradients are unscaled first, so the thresholds are in true gradient units.
/// </summary>
public sealed class ClipGradOptions
{
    /// <summary>The largest total gradient norm (<c>max_norm</c>); null = no norm clipping.</summary>
    [ConfigurationKeyName("max_norm")]
    public double? MaxNorm { get; set; }

    /// <summary>The norm's order (<c>norm_type</c>): 2 by default; positive infinity for the max-abs norm.</summary>
    [ConfigurationKeyName("norm_type")]
    public double NormType { get; set; } = 2.0;

    /// <summary>Clamp every gradient element into [-clip_value, clip_value] (<c>clip_value</c>); null = no value clipping.</summary>
    [ConfigurationKeyName("clip_value")]
    public double? ClipValue { get; set; }
}
