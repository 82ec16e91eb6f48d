using static Vision.Native.NativeMethods;

namespace Vision;

public static unsafe partial class torch
{
    /// <summary>Disables gradient recording on this thread until the returned guard is disposed (<c>using (torch.no_grad()) { … }</c>).</summary>
    public static IDisposable no_grad() => new GradModeGuard(false);

    /// <summary>Enables gradient recording on this thread until the returned guard is disposed.</summary>
    public static IDisposable enable_grad() => new GradModeGuard(true);

    /// <summary>Sets gradient recording on this thread until the returned guard is disposed.</summary>
    public static IDisposable set_grad_enabled(bool enabled) => new GradModeGuard(enabled);

    /// <summary>Whether gradient recording is on for this thread.</summary>
    public static bool is_grad_enabled() => vt_is_grad_enabled() != 0;

    /// <summary>
    /// Inference mode (faster than no_grad: no version counters or views tracking) until the returned guard is
    /// disposed, on the same thread. Tensors created inside cannot be used in autograd later.
    /// </summary>
    public static IDisposable inference_mode(bool enabled = true) => new InferenceModeGuard(enabled);

    /// <summary>Whether inference mode is on for this thread.</summary>
    public static bool is_inference_mode_enabled() => vt_is_inference_mode_enabled() != 0;

    private sealed class GradModeGuard : IDisposable
    {
        private readonly bool previous = vt_is_grad_enabled() != 0;
        private bool disposed;

        public GradModeGuard(bool enabled) => vt_set_grad_enabled(enabled ? 1 : 0);

        public void Dispose()
        {
            if (!disposed)
            {
                disposed = true;
                vt_set_grad_enabled(previous ? 1 : 0);
            }
        }
    }

    private sealed class InferenceModeGuard : IDisposable
    {
        private IntPtr guard;

        public InferenceModeGuard(bool enabled) => Check(vt_inference_mode_enter(enabled ? 1 : 0, out guard));

        public void Dispose()
        {
            if (guard != IntPtr.Zero)
            {
                vt_inference_mode_exit(guard);
                guard = IntPtr.Zero;
            }
        }
    }

    /// <summary>torch.autograd: functional gradients.</summary>
    public static class autograd
    {
        /// <summary>
        /// Gradients of <paramref name="outputs"/> w.r.t. <paramref name="inputs"/> without touching <c>.grad</c>
        /// (torch.autograd.grad). Entries are null for inputs that do not affect the outputs when
        /// <paramref name="allow_unused"/> is set.
        /// </summary>
        public static Tensor?[] grad(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> inputs,
            IReadOnlyList<Tensor?>? grad_outputs = null, bool retain_graph = false, bool create_graph = false, bool allow_unused = false)
        {
            var ho = Handles(outputs);
            var hi = Handles(inputs);
            var hg = new IntPtr[ho.Length];
            for (var i = 0; grad_outputs is not null && i < hg.Length; i++)
            {
                hg[i] = grad_outputs[i]?.Handle ?? IntPtr.Zero;
            }
            var outs = new IntPtr[hi.Length];
            fixed (IntPtr* po = ho)
            fixed (IntPtr* pi = hi)
            fixed (IntPtr* pg = hg)
            fixed (IntPtr* pr = outs)
            {
                Check(vt_autograd_grad(po, pg, ho.Length, pi, hi.Length, retain_graph || create_graph ? 1 : 0,
                    create_graph ? 1 : 0, allow_unused ? 1 : 0, pr));
            }
            GC.KeepAlive(outputs);
            GC.KeepAlive(inputs);
            GC.KeepAlive(grad_outputs);
            return Array.ConvertAll(outs, h => h == IntPtr.Zero ? null : new Tensor(h));
        }
    }
}
