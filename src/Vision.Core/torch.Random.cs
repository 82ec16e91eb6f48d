using static Vision.Native.NativeMethods;

namespace Vision;

public static unsafe partial class torch
{
    /// <summary>Seeds the global generators (CPU, and CUDA when present).</summary>
    public static void manual_seed(ulong seed) => Check(vt_manual_seed(seed));

    private static Tensor Random(delegate*<long*, long, IntPtr, int, int, int, int, out IntPtr, int> fn, long[] shape,
        Generator? generator, ScalarType dtype, Device? device, bool requires_grad)
    {
        var dev = device ?? Device.CPU;
        fixed (long* s = shape)
        {
            var r = Tensor.Wrap(fn(s, shape.Length, generator?.Handle ?? IntPtr.Zero, (int)dtype, (int)dev.Type, dev.Index, requires_grad ? 1 : 0, out var result), result);
            GC.KeepAlive(generator);
            return r;
        }
    }

    /// <summary>Uniform samples from [0, 1) as float32.</summary>
    public static Tensor rand(params long[] shape) => rand(shape, float32);
    /// <summary>Uniform samples from [0, 1).</summary>
    public static Tensor rand(long[] shape, ScalarType dtype, Device? device = null, bool requires_grad = false, Generator? generator = null) =>
        Random(&vt_rand, shape, generator, dtype, device, requires_grad);
    /// <summary>Standard normal samples as float32.</summary>
    public static Tensor randn(params long[] shape) => randn(shape, float32);
    /// <summary>Standard normal samples.</summary>
    public static Tensor randn(long[] shape, ScalarType dtype, Device? device = null, bool requires_grad = false, Generator? generator = null) =>
        Random(&vt_randn, shape, generator, dtype, device, requires_grad);

    /// <summary>Uniform integers from [low, high).</summary>
    public static Tensor randint(long low, long high, long[] shape, ScalarType dtype = int64, Device? device = null, Generator? generator = null)
    {
        var dev = device ?? Device.CPU;
        fixed (long* s = shape)
        {
            var r = Tensor.Wrap(vt_randint(low, high, s, shape.Length, generator?.Handle ?? IntPtr.Zero, (int)dtype, (int)dev.Type, dev.Index, out var result), result);
            GC.KeepAlive(generator);
            return r;
        }
    }

    /// <summary>A random permutation of 0..n-1.</summary>
    public static Tensor randperm(long n, ScalarType dtype = int64, Device? device = null, Generator? generator = null)
    {
        var dev = device ?? Device.CPU;
        var r = Tensor.Wrap(vt_randperm(n, generator?.Handle ?? IntPtr.Zero, (int)dtype, (int)dev.Type, dev.Index, out var result), result);
        GC.KeepAlive(generator);
        return r;
    }

    /// <summary>Draws 0/1 with the given per-element probabilities.</summary>
    public static Tensor bernoulli(Tensor probabilities, Generator? generator = null)
    {
        var r = Tensor.Wrap(vt_bernoulli(probabilities.Handle, generator?.Handle ?? IntPtr.Zero, out var result), result);
        GC.KeepAlive(probabilities);
        GC.KeepAlive(generator);
        return r;
    }

    /// <summary>Draws 0/1 with probability <paramref name="p"/>, shaped like <paramref name="like"/>.</summary>
    public static Tensor bernoulli(Tensor like, double p, Generator? generator = null)
    {
        var r = Tensor.Wrap(vt_bernoulli_p(like.Handle, p, generator?.Handle ?? IntPtr.Zero, out var result), result);
        GC.KeepAlive(like);
        GC.KeepAlive(generator);
        return r;
    }

    /// <summary>Samples <paramref name="num_samples"/> indices from the rows of <paramref name="probabilities"/>.</summary>
    public static Tensor multinomial(Tensor probabilities, long num_samples, bool replacement = false, Generator? generator = null)
    {
        var r = Tensor.Wrap(vt_multinomial(probabilities.Handle, num_samples, replacement ? 1 : 0, generator?.Handle ?? IntPtr.Zero, out var result), result);
        GC.KeepAlive(probabilities);
        GC.KeepAlive(generator);
        return r;
    }

    /// <summary>Shorthands for <see cref="Vision.Generator.Default"/>'s state.</summary>
    public static Tensor get_rng_state() => Generator.Default.get_state();

    /// <summary>Restores the global CPU generator's state.</summary>
    public static void set_rng_state(Tensor state) => Generator.Default.set_state(state);
}
