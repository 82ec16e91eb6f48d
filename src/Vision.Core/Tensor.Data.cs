using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static Vision.Native.NativeMethods;

namespace Vision;

public sealed unsafe partial class Tensor
{
    /// <summary>The element type that stores .NET type <typeparamref name="T"/>.</summary>
    internal static ScalarType ScalarTypeOf<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? ScalarType.Float32
        : typeof(T) == typeof(double) ? ScalarType.Float64
        : typeof(T) == typeof(long) ? ScalarType.Int64
        : typeof(T) == typeof(int) ? ScalarType.Int32
        : typeof(T) == typeof(byte) ? ScalarType.Byte
        : typeof(T) == typeof(sbyte) ? ScalarType.Int8
        : typeof(T) == typeof(short) ? ScalarType.Int16
        : typeof(T) == typeof(Half) ? ScalarType.Float16
        : typeof(T) == typeof(bool) ? ScalarType.Bool
        : throw new NotSupportedException($"No tensor element type corresponds to {typeof(T).Name}.");

    /// <summary>Copies host data into a new CPU tensor of the given shape.</summary>
    internal static Tensor FromSpan<T>(ReadOnlySpan<T> data, long[] shape) where T : unmanaged
    {
        CheckElementCount(data.Length, shape);
        fixed (T* p = data)
        fixed (long* s = shape)
        {
            return Wrap(vt_from_data((IntPtr)p, s, shape.Length, (int)ScalarTypeOf<T>(), out var r), r);
        }
    }

    /// <summary>Wraps a .NET array without copying: the array stays pinned until the tensor's storage is freed.</summary>
    internal static Tensor FromArrayNoCopy<T>(T[] data, long[] shape) where T : unmanaged
    {
        CheckElementCount(data.Length, shape);
        var pin = GCHandle.Alloc(data, GCHandleType.Pinned);
        try
        {
            fixed (long* s = shape)
            {
                delegate* unmanaged<IntPtr, void> release = &ReleasePin;
                return Wrap(vt_from_blob(pin.AddrOfPinnedObject(), s, shape.Length, (int)ScalarTypeOf<T>(),
                    (IntPtr)release, GCHandle.ToIntPtr(pin), out var r), r);
            }
        }
        catch
        {
            pin.Free();
            throw;
        }
    }

    [UnmanagedCallersOnly]
    private static void ReleasePin(IntPtr context) => GCHandle.FromIntPtr(context).Free();

    private static void CheckElementCount(int length, long[] shape)
    {
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Shape [{string.Join(", ", shape)}] has a negative size.", nameof(shape));
            }
            count *= d;
        }
        if (count != length)
        {
            throw new ArgumentException($"Shape [{string.Join(", ", shape)}] holds {count} elements but the data has {length}.", nameof(shape));
        }
    }

    /// <summary>Copies the elements (row-major, converted to <typeparamref name="T"/>'s element type first if needed) into a new array.</summary>
    public T[] data<T>() where T : unmanaged
    {
        var target = ScalarTypeOf<T>();
        var source = dtype == target ? this : to(target);
        try
        {
            var result = new T[source.numel()];
            source.CopyTo<T>(result);
            return result;
        }
        finally
        {
            if (!ReferenceEquals(source, this))
            {
                source.Dispose();
            }
        }
    }

    /// <summary>Copies the elements (row-major) into <paramref name="destination"/>, whose length must equal numel() and whose type must match dtype.</summary>
    public void CopyTo<T>(Span<T> destination) where T : unmanaged
    {
        if (ScalarTypeOf<T>() != dtype)
        {
            throw new ArgumentException($"Cannot copy a {dtype} tensor into a span of {typeof(T).Name}; convert with to() first.");
        }
        fixed (T* p = destination)
        {
            Check(vt_copy_to_host(Handle, (IntPtr)p, (long)destination.Length * Unsafe.SizeOf<T>()));
        }
    }

    /// <summary>The value of a one-element tensor.</summary>
    public T item<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(long) || typeof(T) == typeof(int) || typeof(T) == typeof(short) ||
            typeof(T) == typeof(sbyte) || typeof(T) == typeof(byte))
        {
            Check(vt_item_long(Handle, out var l));
            return (T)Convert.ChangeType(l, typeof(T));
        }
        Check(vt_item_double(Handle, out var d));
        if (typeof(T) == typeof(bool))
        {
            return (T)(object)(d != 0);
        }
        if (typeof(T) == typeof(Half))
        {
            return (T)(object)(Half)d;
        }
        return (T)Convert.ChangeType(d, typeof(T));
    }

    /// <summary>
    /// A span over the elements of a contiguous CPU tensor, without copying. The span is valid only while the
    /// tensor lives; writes go to the tensor.
    /// </summary>
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        if (ScalarTypeOf<T>() != dtype)
        {
            throw new ArgumentException($"A {dtype} tensor cannot be viewed as {typeof(T).Name}.");
        }
        if (device.Type != DeviceType.CPU || !is_contiguous())
        {
            throw new InvalidOperationException("AsSpan needs a contiguous CPU tensor; call cpu() or contiguous() first.");
        }
        return new Span<T>((void*)data_ptr(), checked((int)numel()));
    }
}
