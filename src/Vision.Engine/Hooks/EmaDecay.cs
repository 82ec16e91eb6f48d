namespace Vision.Engine.Hooks;

/// <summary>How the <see cref="EMAHook"/>'s decay ramps up over the first updates.</summary>
public enum EmaDecay
{
    /// <summary>The decay is constant.</summary>
    Constant,

    /// <summary>
    /// Warm-up as in timm's and TensorFlow's EMA: <c>d = min(decay, (1 + n) / (10 + n))</c>, with n the number of
    /// updates made before this one (0.1 for the first update, 0.5 by the ninth).
    /// </summary>
    Warmup,

    /// <summary>
    /// YOLOv5's ramp: <c>d = decay * (1 - exp(-n / tau))</c>, with n the number of updates including this one.
    /// </summary>
    Tau,
}
