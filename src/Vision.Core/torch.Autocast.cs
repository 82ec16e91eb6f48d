using static Vision.Native.NativeMethods;

namespace Vision;

public static partial class torch
{
    /// <summary>
    /// Runs the enclosed ops in mixed precision on <paramref name="device_type"/>, as <c>torch.autocast</c>: eligible ops
    /// (convolutions, matrix products, linear layers) compute in <paramref name="dtype"/> while precision-sensitive ones
    /// (reductions, losses, softmax) stay in float32. Dispose the guard to restore the previous state; guards nest, and
    /// the cache of cast weights is cleared when the outermost one closes. Run only the forward pass and the loss
    /// inside; call <c>backward()</c> after the guard is disposed.
    /// <code>
    /// using (torch.autocast(DeviceType.CPU))
    /// {
    ///     loss = F.cross_entropy(model.forward(x), y);
    /// }
    /// loss.backward();
    /// </code>
    /// </summary>
    /// <param name="device_type">The device whose autocast state changes.</param>
    /// <param name="dtype">
    /// The lower precision type; null means bfloat16 on the CPU and float16 on CUDA (PyTorch's defaults). The CPU
    /// supports bfloat16 only (as PyTorch 1.13's CPU autocast); CUDA supports float16 and bfloat16.
    /// </param>
    /// <param name="enabled">False turns autocast off inside the region (e.g. for a block that must run in float32).</param>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is not supported on <paramref name="device_type"/>.</exception>
    public static IDisposable autocast(DeviceType device_type, ScalarType? dtype = null, bool enabled = true)
    {
        var type = dtype ?? (device_type == DeviceType.CPU ? bfloat16 : float16);
        var supported = device_type == DeviceType.CPU ? type == bfloat16 : type is bfloat16 or float16;
        if (!supported)
        {
            throw new ArgumentException(
                $"autocast on {device_type} does not support {type}; use {(device_type == DeviceType.CPU ? "bfloat16" : "float16 or bfloat16")}.", nameof(dtype));
        }
        return new AutocastGuard(device_type, type, enabled);
    }

    /// <summary>Whether autocast is on for <paramref name="device_type"/> on this thread (<c>torch.is_autocast_enabled</c>).</summary>
    public static bool is_autocast_enabled(DeviceType device_type)
    {
        Check(vt_autocast_is_enabled((int)device_type, out var enabled));
        return enabled != 0;
    }

    /// <summary>The lower precision type autocast uses on <paramref name="device_type"/> (<c>torch.get_autocast_dtype</c>).</summary>
    public static ScalarType get_autocast_dtype(DeviceType device_type)
    {
        Check(vt_autocast_get_dtype((int)device_type, out var type));
        return (ScalarType)type;
    }

    private sealed class AutocastGuard : IDisposable
    {
        private readonly DeviceType device;
        private readonly bool previousEnabled;
        private readonly ScalarType previousType;
        private bool disposed;

        public AutocastGuard(DeviceType device, ScalarType type, bool enabled)
        {
            this.device = device;
            previousEnabled = is_autocast_enabled(device);
            previousType = get_autocast_dtype(device);
            Check(vt_autocast_set_enabled((int)device, enabled ? 1 : 0));
            Check(vt_autocast_set_dtype((int)device, (int)type));
            Check(vt_autocast_increment_nesting(out _));
        }

        public void Dispose()
        {
            if (disposed)
            {
                return;
            }
            disposed = true;
            Check(vt_autocast_decrement_nesting(out var nesting));
            // Cast weights are cached for the whole outermost region so a weight used twice is cast once.
            if (nesting == 0)
            {
                Check(vt_autocast_clear_cache());
            }
            Check(vt_autocast_set_enabled((int)device, previousEnabled ? 1 : 0));
            Check(vt_autocast_set_dtype((int)device, (int)previousType));
        }
    }
}
