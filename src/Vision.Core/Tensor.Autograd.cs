using System.Runtime.InteropServices;
using static Vision.Native.NativeMethods;

namespace Vision;

public sealed unsafe partial class Tensor
{
    /// <summary>Whether autograd records operations on this tensor. Setting it on a non-leaf throws.</summary>
    public bool requires_grad
    {
        get
        {
            Check(vt_requires_grad(Handle, out var r));
            return r != 0;
        }
        set => Check(vt_set_requires_grad(Handle, value ? 1 : 0));
    }

    /// <summary>Sets <see cref="requires_grad"/> and returns this tensor.</summary>
    public Tensor requires_grad_(bool value = true)
    {
        requires_grad = value;
        return this;
    }

    /// <summary>Whether this tensor is a leaf of the autograd graph (created by the user, not by an op).</summary>
    public bool is_leaf
    {
        get
        {
            Check(vt_is_leaf(Handle, out var r));
            return r != 0;
        }
    }

    /// <summary>
    /// The accumulated gradient, or null. Each read returns a new handle to the same gradient tensor (it is
    /// registered with the current dispose scope like any result); writes replace it (null clears it).
    /// </summary>
    public Tensor? grad
    {
        get
        {
            Check(vt_grad(Handle, out var g));
            return g == IntPtr.Zero ? null : new Tensor(g);
        }
        set
        {
            Check(vt_set_grad(Handle, value?.Handle ?? IntPtr.Zero));
            GC.KeepAlive(value);
        }
    }

    /// <summary>The name of the autograd node that produced this tensor ("" for leaves), e.g. "AddBackward0".</summary>
    public string grad_fn_name => ReadString(Handle, &vt_grad_fn_name);

    /// <summary>A tensor sharing the data but cut from the autograd graph.</summary>
    public Tensor detach() => R(vt_detach(Handle, out var r), r);

    /// <summary>Cuts this tensor from the autograd graph in place.</summary>
    public Tensor detach_() => Self(vt_detach_(Handle));

    /// <summary>
    /// Replaces this tensor's data with <paramref name="data"/>'s (PyTorch's <c>t.data = data</c>): dtype, device and
    /// shape may change while the tensor keeps its identity as an autograd leaf, so every handle to it (a module's
    /// parameter, an optimizer's reference) sees the new data. Used by <c>Module.to</c>.
    /// </summary>
    public Tensor set_data(Tensor data) => Self(vt_set_data(Handle, data.Handle), data);

    /// <summary>
    /// Computes gradients of this tensor w.r.t. the graph's leaves and accumulates them into their <see cref="grad"/>.
    /// A non-scalar tensor needs <paramref name="gradient"/> (d output / d self).
    /// </summary>
    public void backward(Tensor? gradient = null, bool retain_graph = false, bool create_graph = false)
    {
        var output = Handle;
        var g = gradient?.Handle ?? IntPtr.Zero;
        Check(vt_backward(&output, &g, 1, retain_graph || create_graph ? 1 : 0, create_graph ? 1 : 0));
        GC.KeepAlive(this);
        GC.KeepAlive(gradient);
    }

    /// <summary>
    /// Registers a hook that runs when the gradient of this tensor is computed; it may return a replacement
    /// gradient or null to keep it. Returns a handle whose disposal removes the hook.
    /// </summary>
    public IDisposable register_hook(Func<Tensor, Tensor?> hook)
    {
        // From this call on the shim owns the context and releases it (through ReleaseHook) when the hook
        // is dropped, including when registration fails.
        var context = GCHandle.Alloc(new HookState(hook));
        delegate* unmanaged<IntPtr, IntPtr, IntPtr*, int> call = &InvokeHook;
        delegate* unmanaged<IntPtr, void> release = &ReleaseHook;
        Check(vt_register_hook(Handle, (IntPtr)call, GCHandle.ToIntPtr(context), (IntPtr)release, out var id));
        return new HookRegistration(this, id);
    }

    private sealed record HookState(Func<Tensor, Tensor?> Hook);

    private sealed class HookRegistration(Tensor tensor, long id) : IDisposable
    {
        private bool removed;

        public void Dispose()
        {
            if (!removed && !tensor.IsDisposed)
            {
                removed = true;
                Check(vt_remove_hook(tensor.Handle, id));
            }
        }
    }

    [UnmanagedCallersOnly]
    private static int InvokeHook(IntPtr context, IntPtr gradHandle, IntPtr* replacement)
    {
        // Exceptions must not cross into C++: report the message through the shim's error channel.
        try
        {
            var state = (HookState)GCHandle.FromIntPtr(context).Target!;
            using var grad = DisposeScope.Detach(new Tensor(gradHandle));
            var result = state.Hook(grad);
            if (result is null || ReferenceEquals(result, grad))
            {
                *replacement = IntPtr.Zero;
                return 0;
            }
            // Hand the shim its own handle so the managed result keeps its normal lifetime.
            Check(vt_alias(result.Handle, out var alias));
            *replacement = alias;
            return 0;
        }
        catch (Exception e)
        {
            vt_set_error(e.GetType().Name + ": " + e.Message);
            return 1;
        }
    }

    [UnmanagedCallersOnly]
    private static void ReleaseHook(IntPtr context) => GCHandle.FromIntPtr(context).Free();
}
