using static Vision.Native.NativeMethods;

namespace Vision;

public static unsafe partial class torch
{
    internal static IntPtr[] Handles(IReadOnlyList<Tensor> tensors)
    {
        var handles = new IntPtr[tensors.Count];
        for (var i = 0; i < handles.Length; i++)
        {
            handles[i] = tensors[i].Handle;
        }
        return handles;
    }

    /// <summary>Concatenates along an existing dim.</summary>
    public static Tensor cat(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        var h = Handles(tensors);
        fixed (IntPtr* p = h)
        {
            var r = Tensor.Wrap(vt_cat(p, h.Length, dim, out var result), result);
            GC.KeepAlive(tensors);
            return r;
        }
    }

    /// <summary>Stacks along a new dim.</summary>
    public static Tensor stack(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        var h = Handles(tensors);
        fixed (IntPtr* p = h)
        {
            var r = Tensor.Wrap(vt_stack(p, h.Length, dim, out var result), result);
            GC.KeepAlive(tensors);
            return r;
        }
    }

    /// <summary>Elements of <paramref name="x"/> where <paramref name="condition"/> holds, else of <paramref name="y"/>.</summary>
    public static Tensor where(Tensor condition, Tensor x, Tensor y)
    {
        var r = Tensor.Wrap(vt_where(condition.Handle, x.Handle, y.Handle, out var result), result);
        GC.KeepAlive(condition);
        GC.KeepAlive(x);
        GC.KeepAlive(y);
        return r;
    }

    /// <summary>Einstein summation, e.g. <c>torch.einsum("bij,bjk->bik", a, b)</c>.</summary>
    public static Tensor einsum(string equation, params Tensor[] operands)
    {
        var h = Handles(operands);
        fixed (IntPtr* p = h)
        {
            var r = Tensor.Wrap(vt_einsum(equation, p, h.Length, out var result), result);
            GC.KeepAlive(operands);
            return r;
        }
    }

    /// <summary>Matrix product with broadcasting.</summary>
    public static Tensor matmul(Tensor a, Tensor b) => a.matmul(b);

    /// <summary>Whether all elements are close: |a - b| &lt;= atol + rtol * |b|.</summary>
    public static bool allclose(Tensor a, Tensor b, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false) =>
        a.allclose(b, rtol, atol, equal_nan);

    // ---- _foreach_ ops: one native call for a whole list of tensors (used by optimizers) --------

    private static void ForEach(IReadOnlyList<Tensor> a, IReadOnlyList<Tensor>? b, IReadOnlyList<Tensor>? c,
        Func<IntPtr, IntPtr, IntPtr, long, int> call)
    {
        var ha = Handles(a);
        var hb = b is null ? null : Handles(b);
        var hc = c is null ? null : Handles(c);
        if ((hb is not null && hb.Length != ha.Length) || (hc is not null && hc.Length != ha.Length))
        {
            throw new ArgumentException($"_foreach_ lists differ in length ({ha.Length}, {hb?.Length}, {hc?.Length}).");
        }
        fixed (IntPtr* pa = ha)
        fixed (IntPtr* pb = hb)
        fixed (IntPtr* pc = hc)
        {
            Check(call((IntPtr)pa, (IntPtr)pb, (IntPtr)pc, ha.Length));
        }
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        GC.KeepAlive(c);
    }

    /// <summary>self[i] += alpha * other[i] for every pair.</summary>
    public static void _foreach_add_(IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> other, double alpha = 1) =>
        ForEach(self, other, null, (a, b, _, n) => vt_foreach_add_((IntPtr*)a, (IntPtr*)b, n, alpha));
    /// <summary>self[i] += value.</summary>
    public static void _foreach_add_(IReadOnlyList<Tensor> self, double value) =>
        ForEach(self, null, null, (a, _, _, n) => vt_foreach_add_scalar_((IntPtr*)a, n, value));
    /// <summary>self[i] *= value.</summary>
    public static void _foreach_mul_(IReadOnlyList<Tensor> self, double value) =>
        ForEach(self, null, null, (a, _, _, n) => vt_foreach_mul_scalar_((IntPtr*)a, n, value));
    /// <summary>self[i] *= other[i].</summary>
    public static void _foreach_mul_(IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> other) =>
        ForEach(self, other, null, (a, b, _, n) => vt_foreach_mul_((IntPtr*)a, (IntPtr*)b, n));
    /// <summary>self[i] /= other[i].</summary>
    public static void _foreach_div_(IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> other) =>
        ForEach(self, other, null, (a, b, _, n) => vt_foreach_div_((IntPtr*)a, (IntPtr*)b, n));
    /// <summary>self[i] += value * t1[i] * t2[i].</summary>
    public static void _foreach_addcmul_(IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> t1, IReadOnlyList<Tensor> t2, double value = 1) =>
        ForEach(self, t1, t2, (a, b, c, n) => vt_foreach_addcmul_((IntPtr*)a, (IntPtr*)b, (IntPtr*)c, n, value));
    /// <summary>self[i] += value * t1[i] / t2[i].</summary>
    public static void _foreach_addcdiv_(IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> t1, IReadOnlyList<Tensor> t2, double value = 1) =>
        ForEach(self, t1, t2, (a, b, c, n) => vt_foreach_addcdiv_((IntPtr*)a, (IntPtr*)b, (IntPtr*)c, n, value));
    /// <summary>Zeros every tensor.</summary>
    public static void _foreach_zero_(IReadOnlyList<Tensor> self) =>
        ForEach(self, null, null, (a, _, _, n) => vt_foreach_zero_((IntPtr*)a, n));
    /// <summary>self[i].copy_(src[i]).</summary>
    public static void _foreach_copy_(IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> src) =>
        ForEach(self, src, null, (a, b, _, n) => vt_foreach_copy_((IntPtr*)a, (IntPtr*)b, n));

    /// <summary>self[i] /= value.</summary>
    public static void _foreach_div_(IReadOnlyList<Tensor> self, double value) =>
        ForEach(self, null, null, (a, _, _, n) => vt_foreach_div_scalar_((IntPtr*)a, n, value));
    /// <summary>self[i] = max(self[i], other[i]) elementwise.</summary>
    public static void _foreach_maximum_(IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> other) =>
        ForEach(self, other, null, (a, b, _, n) => vt_foreach_maximum_((IntPtr*)a, (IntPtr*)b, n));
    /// <summary>self[i] += weight * (end[i] - self[i]).</summary>
    public static void _foreach_lerp_(IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> end, double weight) =>
        ForEach(self, end, null, (a, b, _, n) => vt_foreach_lerp_((IntPtr*)a, (IntPtr*)b, n, weight));
    /// <summary>Square root of every tensor, in place.</summary>
    public static void _foreach_sqrt_(IReadOnlyList<Tensor> self) =>
        ForEach(self, null, null, (a, _, _, n) => vt_foreach_sqrt_((IntPtr*)a, n));

    /// <summary>self[i] + alpha * other[i], as new tensors.</summary>
    public static Tensor[] _foreach_add(IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> other, double alpha = 1) =>
        ForEachResult(self, other, null, (a, b, _, n, outs) => vt_foreach_add((IntPtr*)a, (IntPtr*)b, n, alpha, (IntPtr*)outs));

    /// <summary>self[i] + value * t1[i] * t2[i], as new tensors.</summary>
    public static Tensor[] _foreach_addcmul(IReadOnlyList<Tensor> self, IReadOnlyList<Tensor> t1, IReadOnlyList<Tensor> t2, double value = 1) =>
        ForEachResult(self, t1, t2, (a, b, c, n, outs) => vt_foreach_addcmul((IntPtr*)a, (IntPtr*)b, (IntPtr*)c, n, value, (IntPtr*)outs));

    /// <summary>self[i] * value, as new tensors.</summary>
    public static Tensor[] _foreach_mul(IReadOnlyList<Tensor> self, double value) =>
        ForEachResult(self, null, null, (a, _, _, n, outs) => vt_foreach_mul_scalar((IntPtr*)a, n, value, (IntPtr*)outs));

    /// <summary>self[i] / value, as new tensors.</summary>
    public static Tensor[] _foreach_div(IReadOnlyList<Tensor> self, double value) =>
        ForEachResult(self, null, null, (a, _, _, n, outs) => vt_foreach_div_scalar((IntPtr*)a, n, value, (IntPtr*)outs));

    /// <summary>Square roots of every tensor.</summary>
    public static Tensor[] _foreach_sqrt(IReadOnlyList<Tensor> self) =>
        ForEachResult(self, null, null, (a, _, _, n, outs) => vt_foreach_sqrt((IntPtr*)a, n, (IntPtr*)outs));

    /// <summary>The sign (-1, 0 or 1) of every element of every tensor.</summary>
    public static Tensor[] _foreach_sign(IReadOnlyList<Tensor> self) =>
        ForEachResult(self, null, null, (a, _, _, n, outs) => vt_foreach_sign((IntPtr*)a, n, (IntPtr*)outs));

    /// <summary>The p-norm of every tensor (one-element results).</summary>
    public static Tensor[] _foreach_norm(IReadOnlyList<Tensor> self, double p = 2) =>
        ForEachResult(self, null, null, (a, _, _, n, outs) => vt_foreach_norm((IntPtr*)a, n, p, (IntPtr*)outs));

    private static Tensor[] ForEachResult(IReadOnlyList<Tensor> a, IReadOnlyList<Tensor>? b, IReadOnlyList<Tensor>? c,
        Func<IntPtr, IntPtr, IntPtr, long, IntPtr, int> call)
    {
        var outs = new IntPtr[a.Count];
        fixed (IntPtr* po = outs)
        {
            var pointer = (IntPtr)po;
            ForEach(a, b, c, (pa, pb, pc, n) => call(pa, pb, pc, n, pointer));
        }
        return Array.ConvertAll(outs, h => new Tensor(h));
    }
}
