using System.Runtime.InteropServices;
using static Vision.Native.NativeMethods;

namespace Vision;

public static partial class torch
{
    /// <summary>The libtorch version the shim was built against, e.g. "1.13.0".</summary>
    public static string version => Marshal.PtrToStringUTF8(vt_torch_version()) ?? "";

    /// <summary>The number of threads of libtorch's intra-op pool.</summary>
    public static int get_num_threads() => vt_get_num_threads();

    /// <summary>Sets the number of threads of libtorch's intra-op pool (libtorch may start with 1 on small machines).</summary>
    public static void set_num_threads(int threads)
    {
        if (threads <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "The thread count must be positive.");
        }
        Check(vt_set_num_threads(threads));
    }

    /// <summary>The number of threads of libtorch's inter-op pool.</summary>
    public static int get_num_interop_threads() => vt_get_num_interop_threads();

    /// <summary>Makes ops choose deterministic algorithms (and throw where none exists).</summary>
    public static void use_deterministic_algorithms(bool enabled) => Check(vt_set_deterministic(enabled ? 1 : 0));

    /// <summary>torch.cuda: queries that answer false/0 on CPU builds of libtorch.</summary>
    public static class cuda
    {
        /// <summary>Whether a CUDA device can be used.</summary>
        public static bool is_available() => vt_cuda_is_available() != 0;

        /// <summary>The number of CUDA devices (0 on CPU builds).</summary>
        public static int device_count() => vt_cuda_device_count();
    }
}
