namespace Vision.Engine.Amp;

/// <summary>A <see cref="GradScaler"/>'s state as plain data, for checkpoints (the keys of PyTorch's <c>GradScaler.state_dict()</c>).</summary>
/// <param name="scale">The current loss scale.</param>
/// <param name="growth_factor">The factor applied after <paramref name="growth_interval"/> steps without overflow.</param>
/// <param name="backoff_factor">The factor applied after an overflow.</param>
/// <param name="growth_interval">Overflow-free steps between growths.</param>
/// <param name="growth_tracker">Overflow-free steps since the last change of scale.</param>
public sealed record GradScalerState(double scale, double growth_factor, double backoff_factor, int growth_interval, int growth_tracker);
