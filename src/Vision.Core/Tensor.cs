using System.Runtime.CompilerServices;
using Vision.Native;
using static Vision.Native.NativeMethods;

namespace Vision;

/// <summary>
/// An n-dimensional array on a device, backed by a libtorch tensor. The API follows PyTorch's names
/// (<c>view</c>, <c>sum(dim, keepdim)</c>, <c>backward()</c>), so PyTorch code translates line by line.
/// A tensor owns one native handle: dispose it, or create it inside a <see cref="DisposeScope"/>; the
/// finalizer is only a safety net.
/// </summary>
public sealed unsafe partial class Tensor : IDisposable
{
    private IntPtr handle;

    internal Tensor(IntPtr handle)
    {
        this.handle = handle;
        DisposeScope.Attach(this);
    }

    /// <summary>Releases the native tensor if nobody disposed it.</summary>
    ~Tensor()
    {
        if (handle != IntPtr.Zero)
        {
            vt_free(handle);
        }
    }

    /// <summary>The scope that disposes this tensor, if any.</summary>
    internal DisposeScope? OwningScope { get; set; }

    /// <summary>The native handle; throws if the tensor was disposed.</summary>
    internal IntPtr Handle
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => handle != IntPtr.Zero ? handle : throw new ObjectDisposedException(nameof(Tensor), "The tensor was disposed (by you or by its DisposeScope).");
    }

    /// <summary>Whether the native tensor has been released.</summary>
    public bool IsDisposed => handle == IntPtr.Zero;

    /// <summary>Releases the native tensor now. Safe to call twice.</summary>
    public void Dispose()
    {
        var h = handle;
        if (h != IntPtr.Zero)
        {
            handle = IntPtr.Zero;
            vt_free(h);
            GC.SuppressFinalize(this);
        }
    }

    /// <summary>
    /// Moves this tensor out of the innermost open dispose scope into the one enclosing it (keeps it alive past the
    /// current scope) and returns it. A tensor the innermost scope does not own is returned as it is, so calling this
    /// twice, or on an argument that came from an outer scope, never moves a tensor further out than one level.
    /// </summary>
    public Tensor MoveToOuterDisposeScope() =>
        OwningScope is { } scope && scope == DisposeScope.Current ? scope.MoveToOuter(this) : this;

    /// <summary>Takes this tensor out of every dispose scope and returns it; dispose it yourself.</summary>
    public Tensor DetachFromDisposeScope() => DisposeScope.Detach(this);

    /// <summary>Wraps a handle returned by the shim after checking the call's status.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Tensor Wrap(int status, IntPtr result)
    {
        Check(status);
        return new Tensor(result);
    }

    /// <summary>
    /// Wraps the result of an op on this tensor (and optionally others). Keeps the operands reachable until
    /// the native call has returned, so a finalizer can never free them mid-call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Tensor R(int status, IntPtr result, Tensor? other = null, Tensor? third = null)
    {
        GC.KeepAlive(this);
        GC.KeepAlive(other);
        GC.KeepAlive(third);
        Check(status);
        return new Tensor(result);
    }

    /// <summary>Checks an in-place op's status and returns this tensor.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Tensor Self(int status, Tensor? other = null, Tensor? third = null)
    {
        GC.KeepAlive(other);
        GC.KeepAlive(third);
        Check(status);
        return this;
    }

    // ---- properties -----------------------------------------------------------------------------

    /// <summary>Number of dimensions.</summary>
    public long dim()
    {
        Check(vt_dim(Handle, out var n));
        return n;
    }

    /// <summary>Number of dimensions (same as <see cref="dim"/>).</summary>
    public long ndim => dim();

    /// <summary>The size of each dimension.</summary>
    public long[] shape
    {
        get
        {
            var result = new long[dim()];
            fixed (long* p = result)
            {
                Check(vt_shape(Handle, p));
            }
            return result;
        }
    }

    /// <summary>The size of dimension <paramref name="d"/> (negative counts from the end).</summary>
    public long size(long d)
    {
        var s = shape;
        return s[d < 0 ? s.Length + d : d];
    }

    /// <summary>The stride of each dimension, in elements.</summary>
    public long[] stride()
    {
        var result = new long[dim()];
        fixed (long* p = result)
        {
            Check(vt_strides(Handle, p));
        }
        return result;
    }

    /// <summary>Total number of elements.</summary>
    public long numel()
    {
        Check(vt_numel(Handle, out var n));
        return n;
    }

    /// <summary>The element type.</summary>
    public ScalarType dtype
    {
        get
        {
            Check(vt_dtype(Handle, out var t));
            return (ScalarType)t;
        }
    }

    /// <summary>The device holding the data.</summary>
    public Device device
    {
        get
        {
            Check(vt_device(Handle, out var type, out var index));
            return new Device((DeviceType)type, index);
        }
    }

    /// <summary>Whether the elements are laid out densely in the given memory format.</summary>
    public bool is_contiguous(MemoryFormat format = MemoryFormat.Contiguous)
    {
        Check(vt_is_contiguous(Handle, (int)format, out var r));
        return r != 0;
    }

    /// <summary>Offset of the first element in the underlying storage, in elements.</summary>
    public long storage_offset()
    {
        Check(vt_storage_offset(Handle, out var r));
        return r;
    }

    /// <summary>Whether this tensor and <paramref name="other"/> share storage (e.g. one is a view of the other).</summary>
    public bool shares_storage_with(Tensor other)
    {
        Check(vt_same_storage(Handle, other.Handle, out var r));
        return r != 0;
    }

    /// <summary>Address of the first element (CPU tensors); valid while the tensor lives.</summary>
    public IntPtr data_ptr()
    {
        Check(vt_data_ptr(Handle, out var p));
        return p;
    }

    /// <summary>libtorch's printout of the tensor, as <c>print(t)</c> shows it.</summary>
    public override string ToString() => IsDisposed ? "Tensor(disposed)" : ReadString(Handle, &vt_to_string);

    // ---- conversion -----------------------------------------------------------------------------

    /// <summary>Converts to another element type (returns this tensor's data unchanged when already of that type and <paramref name="copy"/> is false).</summary>
    public Tensor to(ScalarType type, bool copy = false) => to(device, type, copy);

    /// <summary>Moves to another device.</summary>
    public Tensor to(Device target, bool non_blocking = false) => to(target, dtype, false, non_blocking);

    /// <summary>Moves to another device and element type.</summary>
    public Tensor to(Device target, ScalarType type, bool copy = false, bool non_blocking = false) =>
        R(vt_to(Handle, (int)type, (int)target.Type, target.Index, non_blocking ? 1 : 0, copy ? 1 : 0, out var r), r);

    /// <summary>A copy on the host.</summary>
    public Tensor cpu() => to(Device.CPU);

    /// <summary>A copy on the given CUDA device.</summary>
    public Tensor cuda(int index = 0) => to(Device.CUDA(index));

    /// <summary>A tensor with the same data laid out densely in the given memory format (this tensor's data if it already is).</summary>
    public Tensor contiguous(MemoryFormat format = MemoryFormat.Contiguous) => R(vt_contiguous(Handle, (int)format, out var r), r);

    /// <summary>A copy of the data that stays in the autograd graph.</summary>
    public Tensor clone() => R(vt_clone(Handle, out var r), r);

    /// <summary>Another handle to the same tensor (same data, same autograd identity), owned separately.</summary>
    public Tensor alias() => R(vt_alias(Handle, out var r), r);

    /// <summary>Copies <paramref name="source"/> into this tensor (broadcasting, converting type and device).</summary>
    public Tensor copy_(Tensor source, bool non_blocking = false) => Self(vt_copy_(Handle, source.Handle, non_blocking ? 1 : 0), source);
}
