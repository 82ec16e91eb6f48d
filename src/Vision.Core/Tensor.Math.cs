using static Vision.Native.NativeMethods;

namespace Vision;

public sealed unsafe partial class Tensor
{
    // ---- binary (broadcasting) ------------------------------------------------------------------

    /// <summary>self + alpha * other.</summary>
    public Tensor add(Tensor other, double alpha = 1) => R(vt_add(Handle, other.Handle, alpha, out var r), r, other);
    /// <summary>self + value.</summary>
    public Tensor add(double value) => R(vt_add_scalar(Handle, value, out var r), r);
    /// <summary>In-place self += alpha * other.</summary>
    public Tensor add_(Tensor other, double alpha = 1) => Self(vt_add_(Handle, other.Handle, alpha), other);
    /// <summary>In-place self += value.</summary>
    public Tensor add_(double value) => Self(vt_add_scalar_(Handle, value));
    /// <summary>self - alpha * other.</summary>
    public Tensor sub(Tensor other, double alpha = 1) => R(vt_sub(Handle, other.Handle, alpha, out var r), r, other);
    /// <summary>self - value.</summary>
    public Tensor sub(double value) => R(vt_sub_scalar(Handle, value, out var r), r);
    /// <summary>In-place self -= alpha * other.</summary>
    public Tensor sub_(Tensor other, double alpha = 1) => Self(vt_sub_(Handle, other.Handle, alpha), other);
    /// <summary>In-place self -= value.</summary>
    public Tensor sub_(double value) => Self(vt_sub_scalar_(Handle, value));
    /// <summary>Elementwise product.</summary>
    public Tensor mul(Tensor other) => R(vt_mul(Handle, other.Handle, out var r), r, other);
    /// <summary>self * value.</summary>
    public Tensor mul(double value) => R(vt_mul_scalar(Handle, value, out var r), r);
    /// <summary>In-place elementwise product.</summary>
    public Tensor mul_(Tensor other) => Self(vt_mul_(Handle, other.Handle), other);
    /// <summary>In-place self *= value.</summary>
    public Tensor mul_(double value) => Self(vt_mul_scalar_(Handle, value));
    /// <summary>True division (integers are promoted to floating point).</summary>
    public Tensor div(Tensor other) => R(vt_div(Handle, other.Handle, out var r), r, other);
    /// <summary>Division with rounding: <paramref name="rounding_mode"/> is "trunc" or "floor".</summary>
    public Tensor div(Tensor other, string rounding_mode) => R(vt_div_mode(Handle, other.Handle, rounding_mode, out var r), r, other);
    /// <summary>self / value.</summary>
    public Tensor div(double value) => R(vt_div_scalar(Handle, value, out var r), r);
    /// <summary>In-place division.</summary>
    public Tensor div_(Tensor other) => Self(vt_div_(Handle, other.Handle), other);
    /// <summary>In-place self /= value.</summary>
    public Tensor div_(double value) => Self(vt_div_scalar_(Handle, value));
    /// <summary>Elementwise power.</summary>
    public Tensor pow(Tensor exponent) => R(vt_pow(Handle, exponent.Handle, out var r), r, exponent);
    /// <summary>self ** exponent.</summary>
    public Tensor pow(double exponent) => R(vt_pow_scalar(Handle, exponent, out var r), r);
    /// <summary>In-place self **= exponent.</summary>
    public Tensor pow_(double exponent) => Self(vt_pow_scalar_(Handle, exponent));
    /// <summary>Python-style modulus (sign of the divisor).</summary>
    public Tensor remainder(Tensor other) => R(vt_remainder(Handle, other.Handle, out var r), r, other);
    /// <summary>Python-style modulus by a scalar.</summary>
    public Tensor remainder(double other) => R(vt_remainder_scalar(Handle, other, out var r), r);
    /// <summary>C-style modulus (sign of the dividend).</summary>
    public Tensor fmod(Tensor other) => R(vt_fmod(Handle, other.Handle, out var r), r, other);
    /// <summary>C-style modulus by a scalar.</summary>
    public Tensor fmod(double other) => R(vt_fmod_scalar(Handle, other, out var r), r);
    /// <summary>Elementwise maximum.</summary>
    public Tensor maximum(Tensor other) => R(vt_maximum(Handle, other.Handle, out var r), r, other);
    /// <summary>Elementwise minimum.</summary>
    public Tensor minimum(Tensor other) => R(vt_minimum(Handle, other.Handle, out var r), r, other);

    // ---- comparisons and logic ------------------------------------------------------------------

    /// <summary>Elementwise ==.</summary>
    public Tensor eq(Tensor other) => R(vt_eq(Handle, other.Handle, out var r), r, other);
    /// <summary>Elementwise == value.</summary>
    public Tensor eq(double value) => R(vt_eq_scalar(Handle, value, out var r), r);
    /// <summary>Elementwise !=.</summary>
    public Tensor ne(Tensor other) => R(vt_ne(Handle, other.Handle, out var r), r, other);
    /// <summary>Elementwise != value.</summary>
    public Tensor ne(double value) => R(vt_ne_scalar(Handle, value, out var r), r);
    /// <summary>Elementwise &lt;.</summary>
    public Tensor lt(Tensor other) => R(vt_lt(Handle, other.Handle, out var r), r, other);
    /// <summary>Elementwise &lt; value.</summary>
    public Tensor lt(double value) => R(vt_lt_scalar(Handle, value, out var r), r);
    /// <summary>Elementwise &lt;=.</summary>
    public Tensor le(Tensor other) => R(vt_le(Handle, other.Handle, out var r), r, other);
    /// <summary>Elementwise &lt;= value.</summary>
    public Tensor le(double value) => R(vt_le_scalar(Handle, value, out var r), r);
    /// <summary>Elementwise &gt;.</summary>
    public Tensor gt(Tensor other) => R(vt_gt(Handle, other.Handle, out var r), r, other);
    /// <summary>Elementwise &gt; value.</summary>
    public Tensor gt(double value) => R(vt_gt_scalar(Handle, value, out var r), r);
    /// <summary>Elementwise &gt;=.</summary>
    public Tensor ge(Tensor other) => R(vt_ge(Handle, other.Handle, out var r), r, other);
    /// <summary>Elementwise &gt;= value.</summary>
    public Tensor ge(double value) => R(vt_ge_scalar(Handle, value, out var r), r);
    /// <summary>Elementwise logical and.</summary>
    public Tensor logical_and(Tensor other) => R(vt_logical_and(Handle, other.Handle, out var r), r, other);
    /// <summary>Elementwise logical or.</summary>
    public Tensor logical_or(Tensor other) => R(vt_logical_or(Handle, other.Handle, out var r), r, other);
    /// <summary>Elementwise logical xor.</summary>
    public Tensor logical_xor(Tensor other) => R(vt_logical_xor(Handle, other.Handle, out var r), r, other);
    /// <summary>Elementwise logical not.</summary>
    public Tensor logical_not() => R(vt_logical_not(Handle, out var r), r);
    /// <summary>Elementwise bitwise (or, for bool, logical) and.</summary>
    public Tensor bitwise_and(Tensor other) => R(vt_bitwise_and(Handle, other.Handle, out var r), r, other);
    /// <summary>Elementwise bitwise (or, for bool, logical) or.</summary>
    public Tensor bitwise_or(Tensor other) => R(vt_bitwise_or(Handle, other.Handle, out var r), r, other);
    /// <summary>True where the element is NaN.</summary>
    public Tensor isnan() => R(vt_isnan(Handle, out var r), r);
    /// <summary>True where the element is neither infinite nor NaN.</summary>
    public Tensor isfinite() => R(vt_isfinite(Handle, out var r), r);
    /// <summary>Whether all elements are close: |a - b| &lt;= atol + rtol * |b|.</summary>
    public bool allclose(Tensor other, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false)
    {
        Check(vt_allclose(Handle, other.Handle, rtol, atol, equal_nan ? 1 : 0, out var r));
        GC.KeepAlive(other);
        return r != 0;
    }
    /// <summary>Whether both tensors have the same shape and elements.</summary>
    public bool equal(Tensor other)
    {
        Check(vt_equal(Handle, other.Handle, out var r));
        GC.KeepAlive(other);
        return r != 0;
    }

    // ---- unary ----------------------------------------------------------------------------------

    /// <summary>-self.</summary>
    public Tensor neg() => R(vt_neg(Handle, out var r), r);
    /// <summary>In-place negation.</summary>
    public Tensor neg_() => Self(vt_neg_(Handle));
    /// <summary>e ** self.</summary>
    public Tensor exp() => R(vt_exp(Handle, out var r), r);
    /// <summary>In-place exp.</summary>
    public Tensor exp_() => Self(vt_exp_(Handle));
    /// <summary>Natural logarithm.</summary>
    public Tensor log() => R(vt_log(Handle, out var r), r);
    /// <summary>In-place log.</summary>
    public Tensor log_() => Self(vt_log_(Handle));
    /// <summary>log(1 + self), accurate for small values.</summary>
    public Tensor log1p() => R(vt_log1p(Handle, out var r), r);
    /// <summary>exp(self) - 1, accurate for small values.</summary>
    public Tensor expm1() => R(vt_expm1(Handle, out var r), r);
    /// <summary>Square root.</summary>
    public Tensor sqrt() => R(vt_sqrt(Handle, out var r), r);
    /// <summary>In-place square root.</summary>
    public Tensor sqrt_() => Self(vt_sqrt_(Handle));
    /// <summary>1 / sqrt(self).</summary>
    public Tensor rsqrt() => R(vt_rsqrt(Handle, out var r), r);
    /// <summary>Absolute value.</summary>
    public Tensor abs() => R(vt_abs(Handle, out var r), r);
    /// <summary>In-place absolute value.</summary>
    public Tensor abs_() => Self(vt_abs_(Handle));
    /// <summary>-1, 0 or 1 by sign.</summary>
    public Tensor sign() => R(vt_sign(Handle, out var r), r);
    /// <summary>Logistic sigmoid.</summary>
    public Tensor sigmoid() => R(vt_sigmoid(Handle, out var r), r);
    /// <summary>In-place sigmoid.</summary>
    public Tensor sigmoid_() => Self(vt_sigmoid_(Handle));
    /// <summary>Hyperbolic tangent.</summary>
    public Tensor tanh() => R(vt_tanh(Handle, out var r), r);
    /// <summary>In-place tanh.</summary>
    public Tensor tanh_() => Self(vt_tanh_(Handle));
    /// <summary>Rounds down.</summary>
    public Tensor floor() => R(vt_floor(Handle, out var r), r);
    /// <summary>Rounds up.</summary>
    public Tensor ceil() => R(vt_ceil(Handle, out var r), r);
    /// <summary>Rounds half to even.</summary>
    public Tensor round() => R(vt_round(Handle, out var r), r);
    /// <summary>Rounds toward zero.</summary>
    public Tensor trunc() => R(vt_trunc(Handle, out var r), r);
    /// <summary>1 / self.</summary>
    public Tensor reciprocal() => R(vt_reciprocal(Handle, out var r), r);
    /// <summary>Sine.</summary>
    public Tensor sin() => R(vt_sin(Handle, out var r), r);
    /// <summary>Cosine.</summary>
    public Tensor cos() => R(vt_cos(Handle, out var r), r);
    /// <summary>Error function.</summary>
    public Tensor erf() => R(vt_erf(Handle, out var r), r);
    /// <summary>Inverse error function.</summary>
    public Tensor erfinv() => R(vt_erfinv(Handle, out var r), r);
    /// <summary>In-place inverse error function.</summary>
    public Tensor erfinv_() => Self(vt_erfinv_(Handle));
    /// <summary>self * self.</summary>
    public Tensor square() => R(vt_square(Handle, out var r), r);
    /// <summary>max(self, 0).</summary>
    public Tensor relu() => R(vt_relu(Handle, out var r), r);
    /// <summary>In-place relu.</summary>
    public Tensor relu_() => Self(vt_relu_(Handle));

    /// <summary>Clamps into [min, max]; a null bound is not applied.</summary>
    public Tensor clamp(double? min = null, double? max = null) =>
        R(vt_clamp(Handle, min.HasValue ? 1 : 0, min ?? 0, max.HasValue ? 1 : 0, max ?? 0, out var r), r);
    /// <summary>In-place clamp.</summary>
    public Tensor clamp_(double? min = null, double? max = null) =>
        Self(vt_clamp_(Handle, min.HasValue ? 1 : 0, min ?? 0, max.HasValue ? 1 : 0, max ?? 0));
    /// <summary>Clamps elementwise between tensors (either may be null).</summary>
    public Tensor clamp(Tensor? min, Tensor? max) =>
        R(vt_clamp_tensor(Handle, min?.Handle ?? IntPtr.Zero, max?.Handle ?? IntPtr.Zero, out var r), r, min, max);

    /// <summary>self + weight * (end - self).</summary>
    public Tensor lerp(Tensor end, double weight) => R(vt_lerp(Handle, end.Handle, weight, out var r), r, end);
    /// <summary>self + weight * (end - self) with elementwise weights.</summary>
    public Tensor lerp(Tensor end, Tensor weight) => R(vt_lerp_tensor(Handle, end.Handle, weight.Handle, out var r), r, end, weight);
    /// <summary>In-place lerp.</summary>
    public Tensor lerp_(Tensor end, double weight) => Self(vt_lerp_(Handle, end.Handle, weight), end);
    /// <summary>self + value * t1 * t2.</summary>
    public Tensor addcmul(Tensor t1, Tensor t2, double value = 1) => R(vt_addcmul(Handle, t1.Handle, t2.Handle, value, out var r), r, t1, t2);
    /// <summary>self + value * t1 / t2.</summary>
    public Tensor addcdiv(Tensor t1, Tensor t2, double value = 1) => R(vt_addcdiv(Handle, t1.Handle, t2.Handle, value, out var r), r, t1, t2);
    /// <summary>In-place addcmul.</summary>
    public Tensor addcmul_(Tensor t1, Tensor t2, double value = 1) => Self(vt_addcmul_(Handle, t1.Handle, t2.Handle, value), t1, t2);
    /// <summary>In-place addcdiv.</summary>
    public Tensor addcdiv_(Tensor t1, Tensor t2, double value = 1) => Self(vt_addcdiv_(Handle, t1.Handle, t2.Handle, value), t1, t2);
    /// <summary>Fills with zeros in place.</summary>
    public Tensor zero_() => Self(vt_zero_(Handle));
    /// <summary>Fills with a value in place.</summary>
    public Tensor fill_(double value) => Self(vt_fill_(Handle, value));
    /// <summary>Softmax along <paramref name="dim"/>.</summary>
    public Tensor softmax(long dim) => R(vt_softmax(Handle, dim, out var r), r);
    /// <summary>Log of softmax along <paramref name="dim"/>, computed stably.</summary>
    public Tensor log_softmax(long dim) => R(vt_log_softmax(Handle, dim, out var r), r);

    // ---- reductions -----------------------------------------------------------------------------

    private Tensor Reduce(delegate*<IntPtr, long*, long, int, int, out IntPtr, int> fn, long[]? dims, bool keepdim, ScalarType? type)
    {
        fixed (long* p = dims)
        {
            return R(fn(Handle, p, dims?.Length ?? -1, keepdim ? 1 : 0, type.HasValue ? (int)type.Value : -1, out var r), r);
        }
    }

    private Tensor Moment(delegate*<IntPtr, long*, long, long, int, out IntPtr, int> fn, long[]? dims, long correction, bool keepdim)
    {
        fixed (long* p = dims)
        {
            return R(fn(Handle, p, dims?.Length ?? -1, correction, keepdim ? 1 : 0, out var r), r);
        }
    }

    // No overload takes the dtype first: a literal 0 converts to any enum, so sum(0) would bind to it and sum
    // everything as uint8. As in PyTorch, dtype is passed by name: sum(dtype: torch.float64).

    /// <summary>Sum over the given dims, or of all elements when <paramref name="dims"/> is null.</summary>
    public Tensor sum(long[]? dims = null, bool keepdim = false, ScalarType? dtype = null) => Reduce(&vt_sum, dims, keepdim, dtype);
    /// <summary>Sum over one dim.</summary>
    public Tensor sum(long dim, bool keepdim = false, ScalarType? dtype = null) => Reduce(&vt_sum, [dim], keepdim, dtype);
    /// <summary>Mean over the given dims, or of all elements when <paramref name="dims"/> is null.</summary>
    public Tensor mean(long[]? dims = null, bool keepdim = false, ScalarType? dtype = null) => Reduce(&vt_mean, dims, keepdim, dtype);
    /// <summary>Mean over one dim.</summary>
    public Tensor mean(long dim, bool keepdim = false, ScalarType? dtype = null) => Reduce(&vt_mean, [dim], keepdim, dtype);
    /// <summary>Variance over the given dims (all if null) with Bessel's <paramref name="correction"/> (1 = unbiased).</summary>
    public Tensor var(long[]? dims = null, long correction = 1, bool keepdim = false) => Moment(&vt_var, dims, correction, keepdim);
    /// <summary>Variance over one dim.</summary>
    public Tensor var(long dim, long correction = 1, bool keepdim = false) => Moment(&vt_var, [dim], correction, keepdim);
    /// <summary>Standard deviation over the given dims (all if null) with Bessel's <paramref name="correction"/>.</summary>
    public Tensor std(long[]? dims = null, long correction = 1, bool keepdim = false) => Moment(&vt_std, dims, correction, keepdim);
    /// <summary>Standard deviation over one dim.</summary>
    public Tensor std(long dim, long correction = 1, bool keepdim = false) => Moment(&vt_std, [dim], correction, keepdim);
    /// <summary>Product of all elements.</summary>
    public Tensor prod() => R(vt_prod(Handle, out var r), r);
    /// <summary>Product over one dim.</summary>
    public Tensor prod(long dim, bool keepdim = false) => R(vt_prod_dim(Handle, dim, keepdim ? 1 : 0, out var r), r);
    /// <summary>Maximum over the given dims (values only).</summary>
    public Tensor amax(long[] dims, bool keepdim = false)
    {
        fixed (long* p = dims)
        {
            return R(vt_amax(Handle, p, dims.Length, keepdim ? 1 : 0, out var r), r);
        }
    }
    /// <summary>Minimum over the given dims (values only).</summary>
    public Tensor amin(long[] dims, bool keepdim = false)
    {
        fixed (long* p = dims)
        {
            return R(vt_amin(Handle, p, dims.Length, keepdim ? 1 : 0, out var r), r);
        }
    }
    /// <summary>Largest element.</summary>
    public Tensor max() => R(vt_max_all(Handle, out var r), r);
    /// <summary>Smallest element.</summary>
    public Tensor min() => R(vt_min_all(Handle, out var r), r);
    /// <summary>Largest elements along <paramref name="dim"/> and their indices.</summary>
    public (Tensor values, Tensor indices) max(long dim, bool keepdim = false)
    {
        Check(vt_max_dim(Handle, dim, keepdim ? 1 : 0, out var v, out var i));
        return (new Tensor(v), new Tensor(i));
    }
    /// <summary>Smallest elements along <paramref name="dim"/> and their indices.</summary>
    public (Tensor values, Tensor indices) min(long dim, bool keepdim = false)
    {
        Check(vt_min_dim(Handle, dim, keepdim ? 1 : 0, out var v, out var i));
        return (new Tensor(v), new Tensor(i));
    }
    /// <summary>Index of the largest element (of the flattened tensor when <paramref name="dim"/> is null).</summary>
    public Tensor argmax(long? dim = null, bool keepdim = false) => R(vt_argmax(Handle, dim.HasValue ? 1 : 0, dim ?? 0, keepdim ? 1 : 0, out var r), r);
    /// <summary>Index of the smallest element (of the flattened tensor when <paramref name="dim"/> is null).</summary>
    public Tensor argmin(long? dim = null, bool keepdim = false) => R(vt_argmin(Handle, dim.HasValue ? 1 : 0, dim ?? 0, keepdim ? 1 : 0, out var r), r);
    /// <summary>The p-norm over the given dims (all elements when null).</summary>
    public Tensor norm(double p = 2, long[]? dims = null, bool keepdim = false)
    {
        fixed (long* d = dims)
        {
            return R(vt_norm(Handle, p, d, dims?.Length ?? -1, keepdim ? 1 : 0, out var r), r);
        }
    }
    /// <summary>log(sum(exp(self))) over the given dims, computed stably.</summary>
    public Tensor logsumexp(long[] dims, bool keepdim = false)
    {
        fixed (long* p = dims)
        {
            return R(vt_logsumexp(Handle, p, dims.Length, keepdim ? 1 : 0, out var r), r);
        }
    }
    /// <summary>log(sum(exp(self))) over one dim.</summary>
    public Tensor logsumexp(long dim, bool keepdim = false) => logsumexp([dim], keepdim);
    /// <summary>Whether all elements are true (non-zero).</summary>
    public Tensor all() => R(vt_all(Handle, out var r), r);
    /// <summary>Whether any element is true (non-zero).</summary>
    public Tensor any() => R(vt_any(Handle, out var r), r);
    /// <summary>Cumulative sum along <paramref name="dim"/>.</summary>
    public Tensor cumsum(long dim) => R(vt_cumsum(Handle, dim, out var r), r);
    /// <summary>The k largest (or smallest) elements along <paramref name="dim"/> and their indices.</summary>
    public (Tensor values, Tensor indices) topk(long k, long dim = -1, bool largest = true, bool sorted = true)
    {
        Check(vt_topk(Handle, k, dim, largest ? 1 : 0, sorted ? 1 : 0, out var v, out var i));
        return (new Tensor(v), new Tensor(i));
    }
    /// <summary>Sorted values along <paramref name="dim"/> and the permutation that sorts them.</summary>
    public (Tensor values, Tensor indices) sort(long dim = -1, bool descending = false, bool stable = false)
    {
        Check(vt_sort(Handle, dim, descending ? 1 : 0, stable ? 1 : 0, out var v, out var i));
        return (new Tensor(v), new Tensor(i));
    }
    /// <summary>The permutation that sorts along <paramref name="dim"/>.</summary>
    public Tensor argsort(long dim = -1, bool descending = false) => R(vt_argsort(Handle, dim, descending ? 1 : 0, out var r), r);

    // ---- linear algebra -------------------------------------------------------------------------

    /// <summary>Matrix product with broadcasting, as torch.matmul.</summary>
    public Tensor matmul(Tensor other) => R(vt_matmul(Handle, other.Handle, out var r), r, other);
    /// <summary>Product of two matrices.</summary>
    public Tensor mm(Tensor other) => R(vt_mm(Handle, other.Handle, out var r), r, other);
    /// <summary>Batched product of (b, n, m) and (b, m, p).</summary>
    public Tensor bmm(Tensor other) => R(vt_bmm(Handle, other.Handle, out var r), r, other);
    /// <summary>beta * self + alpha * (m1 @ m2).</summary>
    public Tensor addmm(Tensor m1, Tensor m2, double beta = 1, double alpha = 1) => R(vt_addmm(Handle, m1.Handle, m2.Handle, beta, alpha, out var r), r, m1, m2);
    /// <summary>beta * self + alpha * bmm(b1, b2).</summary>
    public Tensor baddbmm(Tensor b1, Tensor b2, double beta = 1, double alpha = 1) => R(vt_baddbmm(Handle, b1.Handle, b2.Handle, beta, alpha, out var r), r, b1, b2);
    /// <summary>Outer product of two vectors.</summary>
    public Tensor outer(Tensor other) => R(vt_outer(Handle, other.Handle, out var r), r, other);
}
