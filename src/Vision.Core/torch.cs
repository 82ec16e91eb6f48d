using static Vision.Native.NativeMethods;

namespace Vision;

/// <summary>
/// The entry point of the tensor API, shaped like PyTorch's <c>torch</c> module: creation
/// (<c>torch.zeros</c>, <c>torch.randn</c>, <c>torch.tensor</c>), joins, modes (<c>torch.no_grad()</c>),
/// random seeding and runtime settings. Write <c>using static Vision.torch;</c> to drop the prefix.
/// </summary>
public static unsafe partial class torch
{
    /// <summary>torch.uint8.</summary>
    public const ScalarType uint8 = ScalarType.Byte;
    /// <summary>torch.int8.</summary>
    public const ScalarType int8 = ScalarType.Int8;
    /// <summary>torch.int16.</summary>
    public const ScalarType int16 = ScalarType.Int16;
    /// <summary>torch.int32.</summary>
    public const ScalarType int32 = ScalarType.Int32;
    /// <summary>torch.int64 (torch.long).</summary>
    public const ScalarType int64 = ScalarType.Int64;
    /// <summary>torch.float16 (torch.half).</summary>
    public const ScalarType float16 = ScalarType.Float16;
    /// <summary>torch.bfloat16.</summary>
    public const ScalarType bfloat16 = ScalarType.BFloat16;
    /// <summary>torch.float32 (torch.float).</summary>
    public const ScalarType float32 = ScalarType.Float32;
    /// <summary>torch.float64 (torch.double).</summary>
    public const ScalarType float64 = ScalarType.Float64;
    /// <summary>torch.bool.</summary>
    public const ScalarType @bool = ScalarType.Bool;

    /// <summary>The host device.</summary>
    public static Device CPU => Device.CPU;

    /// <summary>Opens a <see cref="DisposeScope"/> on this thread; dispose it to free the tensors created inside.</summary>
    public static DisposeScope NewDisposeScope() => new();

    private static Tensor Create(delegate*<long*, long, int, int, int, int, out IntPtr, int> fn, long[] shape,
        ScalarType dtype, Device? device, bool requires_grad)
    {
        var dev = device ?? Device.CPU;
        fixed (long* s = shape)
        {
            return Tensor.Wrap(fn(s, shape.Length, (int)dtype, (int)dev.Type, dev.Index, requires_grad ? 1 : 0, out var r), r);
        }
    }

    /// <summary>An uninitialised float32 tensor.</summary>
    public static Tensor empty(params long[] shape) => empty(shape, float32);
    /// <summary>An uninitialised tensor.</summary>
    public static Tensor empty(long[] shape, ScalarType dtype, Device? device = null, bool requires_grad = false) =>
        Create(&vt_empty, shape, dtype, device, requires_grad);
    /// <summary>A float32 tensor of zeros.</summary>
    public static Tensor zeros(params long[] shape) => zeros(shape, float32);
    /// <summary>A tensor of zeros.</summary>
    public static Tensor zeros(long[] shape, ScalarType dtype, Device? device = null, bool requires_grad = false) =>
        Create(&vt_zeros, shape, dtype, device, requires_grad);
    /// <summary>A float32 tensor of ones.</summary>
    public static Tensor ones(params long[] shape) => ones(shape, float32);
    /// <summary>A tensor of ones.</summary>
    public static Tensor ones(long[] shape, ScalarType dtype, Device? device = null, bool requires_grad = false) =>
        Create(&vt_ones, shape, dtype, device, requires_grad);

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor full(long[] shape, double value, ScalarType dtype = float32, Device? device = null, bool requires_grad = false)
    {
        var dev = device ?? Device.CPU;
        fixed (long* s = shape)
        {
            return Tensor.Wrap(vt_full(s, shape.Length, value, (int)dtype, (int)dev.Type, dev.Index, requires_grad ? 1 : 0, out var r), r);
        }
    }

    /// <summary>
    /// Values start, start+step, … below end. As in PyTorch, the dtype defaults to int64 when start, end and step
    /// are all integers and to float32 otherwise.
    /// </summary>
    public static Tensor arange(double start, double end, double step = 1, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var dev = device ?? Device.CPU;
        var type = dtype ?? (double.IsInteger(start) && double.IsInteger(end) && double.IsInteger(step) ? int64 : float32);
        return Tensor.Wrap(vt_arange(start, end, step, (int)type, (int)dev.Type, dev.Index, requires_grad ? 1 : 0, out var r), r);
    }

    /// <summary>Values 0, 1, … below end (int64 for an integer end, else float32, unless <paramref name="dtype"/> is given).</summary>
    public static Tensor arange(double end, ScalarType? dtype = null, Device? device = null) => arange(0, end, 1, dtype, device);

    /// <summary><paramref name="steps"/> evenly spaced values from start to end inclusive.</summary>
    public static Tensor linspace(double start, double end, long steps, ScalarType dtype = float32, Device? device = null, bool requires_grad = false)
    {
        var dev = device ?? Device.CPU;
        return Tensor.Wrap(vt_linspace(start, end, steps, (int)dtype, (int)dev.Type, dev.Index, requires_grad ? 1 : 0, out var r), r);
    }

    /// <summary>An n×m identity matrix (m defaults to n).</summary>
    public static Tensor eye(long n, long? m = null, ScalarType dtype = float32, Device? device = null, bool requires_grad = false)
    {
        var dev = device ?? Device.CPU;
        return Tensor.Wrap(vt_eye(n, m ?? n, (int)dtype, (int)dev.Type, dev.Index, requires_grad ? 1 : 0, out var r), r);
    }

    /// <summary>Zeros shaped like <paramref name="other"/> (its dtype and device unless given).</summary>
    public static Tensor zeros_like(Tensor other, ScalarType? dtype = null, bool requires_grad = false) =>
        zeros(other.shape, dtype ?? other.dtype, other.device, requires_grad);
    /// <summary>Ones shaped like <paramref name="other"/>.</summary>
    public static Tensor ones_like(Tensor other, ScalarType? dtype = null, bool requires_grad = false) =>
        ones(other.shape, dtype ?? other.dtype, other.device, requires_grad);
    /// <summary>An uninitialised tensor shaped like <paramref name="other"/>.</summary>
    public static Tensor empty_like(Tensor other, ScalarType? dtype = null, bool requires_grad = false) =>
        empty(other.shape, dtype ?? other.dtype, other.device, requires_grad);
    /// <summary>A tensor filled with <paramref name="value"/>, shaped like <paramref name="other"/>.</summary>
    public static Tensor full_like(Tensor other, double value, ScalarType? dtype = null, bool requires_grad = false) =>
        full(other.shape, value, dtype ?? other.dtype, other.device, requires_grad);

    /// <summary>A zero-dimensional tensor holding one value.</summary>
    public static Tensor tensor(double value, ScalarType dtype = float32, Device? device = null, bool requires_grad = false) =>
        full([], value, dtype, device, requires_grad);

    /// <summary>
    /// Copies .NET data into a new tensor (1-d, or of the given shape). The element type follows
    /// <typeparamref name="T"/> (float → float32, long → int64, …).
    /// </summary>
    public static Tensor tensor<T>(T[] data, params long[] shape) where T : unmanaged =>
        Tensor.FromSpan<T>(data, shape.Length == 0 ? [data.Length] : shape);

    /// <summary>Copies a span of .NET data into a new tensor of the given shape.</summary>
    public static Tensor tensor<T>(ReadOnlySpan<T> data, long[] shape) where T : unmanaged => Tensor.FromSpan(data, shape);

    /// <summary>
    /// Wraps a .NET array without copying (torch.from_numpy's counterpart): the tensor and the array share
    /// memory, and the array stays pinned until the tensor's storage is freed.
    /// </summary>
    public static Tensor from_array<T>(T[] data, params long[] shape) where T : unmanaged =>
        Tensor.FromArrayNoCopy(data, shape.Length == 0 ? [data.Length] : shape);
}
