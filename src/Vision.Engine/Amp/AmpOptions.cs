using Microsoft.Extensions.Configuration;

namespace Vision.Engine.Amp;

/// <summary>
/// Automatic mixed precision (<c>amp</c>): the forward pass runs under <c>torch.autocast</c> in <see cref="Dtype"/>,
/// and float16 adds a dynamic loss scaler (<see cref="GradScaler"/>) configured by the remaining settings.
/// </summary>
public sealed class AmpOptions
{
    /// <summary>Turn mixed precision on (<c>enabled</c>). Off by default.</summary>
    [ConfigurationKeyName("enabled")]
    public bool Enabled { get; set; }

    /// <summary>
    /// The lower precision type (<c>dtype</c>): <c>"bfloat16"</c> (the default; CPU and CUDA) or <c>"float16"</c>
    /// (CUDA only, with loss scaling).
    /// </summary>
    [ConfigurationKeyName("dtype")]
    public string Dtype { get; set; } = "bfloat16";

    /// <summary>The loss scaler's initial scale (<c>init_scale</c>), 65536 as PyTorch's.</summary>
    [ConfigurationKeyName("init_scale")]
    public double InitScale { get; set; } = 65536.0;

    /// <summary>The scale's growth factor (<c>growth_factor</c>), 2.</summary>
    [ConfigurationKeyName("growth_factor")]
    public double GrowthFactor { get; set; } = 2.0;

    /// <summary>The scale's backoff factor after an overflow (<c>backoff_factor</c>), 0.5.</summary>
    [ConfigurationKeyName("backoff_factor")]
    public double BackoffFactor { get; set; } = 0.5;

    /// <summary>Overflow-free steps before the scale grows (<c>growth_interval</c>), 2000.</summary>
    [ConfigurationKeyName("growth_interval")]
    public int GrowthInterval { get; set; } = 2000;

    /// <summary>The type autocast computes in when <see cref="Enabled"/> (float16 or bfloat16), else null.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ScalarType? AutocastType => Enabled
        ? Dtype.Equals("float16", StringComparison.OrdinalIgnoreCase) ? ScalarType.Float16 : ScalarType.BFloat16
        : null;
}
