using static Vision.Native.NativeMethods;

namespace Vision;

public sealed unsafe partial class Tensor
{
    /// <summary>
    /// A copy of this CPU tensor in page-locked (pinned) host memory, from which copies to a CUDA device can be
    /// asynchronous (<c>to(device, non_blocking: true)</c>). Needs a CUDA build of libtorch with a GPU present:
    /// check <see cref="torch.cuda.is_available"/> first, as PyTorch's DataLoader does.
    /// </summary>
    public Tensor pin_memory() => R(vt_pin_memory(Handle, out var r), r);

    /// <summary>Whether the data lives in page-locked (pinned) host memory; always false on CPU-only builds.</summary>
    public bool is_pinned()
    {
        Check(vt_is_pinned(Handle, out var pinned));
        GC.KeepAlive(this);
        return pinned != 0;
    }
}
