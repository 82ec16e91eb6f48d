using static Vision.Native.NativeMethods;

namespace Vision;

public sealed partial class Tensor
{
    /// <summary>Fills in place with samples from U(<paramref name="from"/>, <paramref name="to"/>), from <paramref name="generator"/> or the global generator.</summary>
    public Tensor uniform_(double from = 0, double to = 1, Generator? generator = null)
    {
        Check(vt_uniform_(Handle, from, to, generator?.Handle ?? IntPtr.Zero));
        GC.KeepAlive(generator);
        return this;
    }

    /// <summary>Fills in place with samples from N(<paramref name="mean"/>, <paramref name="std"/>²), from <paramref name="generator"/> or the global generator.</summary>
    public Tensor normal_(double mean = 0, double std = 1, Generator? generator = null)
    {
        Check(vt_normal_(Handle, mean, std, generator?.Handle ?? IntPtr.Zero));
        GC.KeepAlive(generator);
        return this;
    }
}
