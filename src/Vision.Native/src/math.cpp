// Elementwise math, comparisons, reductions, sorting, linear algebra and _foreach_ ops.
#include "shim.h"

#include <cmath>

// ---- elementwise ------------------------------------------------------------------------------
#define VT_UNARY(NAME)                                        \
  VT_TENSOR_FN(NAME, (TH t, TH* out), at::NAME(*t))           \
  VT_API int vt_##NAME##_(TH t) { VT_BODY(t->NAME##_()) }

VT_UNARY(neg)
VT_UNARY(exp)
VT_UNARY(log)
VT_UNARY(log1p)
VT_UNARY(expm1)
VT_UNARY(sqrt)
VT_UNARY(rsqrt)
VT_UNARY(abs)
VT_UNARY(sign)
VT_UNARY(sigmoid)
VT_UNARY(tanh)
VT_UNARY(floor)
VT_UNARY(ceil)
VT_UNARY(round)
VT_UNARY(trunc)
VT_UNARY(reciprocal)
VT_UNARY(sin)
VT_UNARY(cos)
VT_UNARY(erf)
VT_UNARY(erfinv)
VT_UNARY(square)
VT_TENSOR_FN(logical_not, (TH t, TH* out), at::logical_not(*t))
VT_TENSOR_FN(isnan, (TH t, TH* out), at::isnan(*t))
VT_TENSOR_FN(isfinite, (TH t, TH* out), at::isfinite(*t))

// Every scalar crosses the ABI as a double, but PyTorch code writes integers as Python ints, which keep
// integral tensors integral (arange(3) * 2 is int64) and which integral ops require (add/sub reject a
// floating alpha on integer tensors). So an integer-valued double becomes an integral Scalar; -0.0 stays
// floating to keep its sign.
static at::Scalar num(double v) {
  bool integral = std::nearbyint(v) == v && std::fabs(v) < 9.0e18 && !(v == 0 && std::signbit(v));
  return integral ? at::Scalar(static_cast<int64_t>(v)) : at::Scalar(v);
}

// Binary ops with a tensor or a scalar on the right, plus their in-place forms.
#define VT_BINARY(NAME)                                                               \
  VT_TENSOR_FN(NAME, (TH a, TH b, TH* out), at::NAME(*a, *b))                         \
  VT_TENSOR_FN(NAME##_scalar, (TH a, double b, TH* out), at::NAME(*a, num(b)))        \
  VT_API int vt_##NAME##_(TH a, TH b) { VT_BODY(a->NAME##_(*b)) }                     \
  VT_API int vt_##NAME##_scalar_(TH a, double b) { VT_BODY(a->NAME##_(num(b))) }

VT_BINARY(mul)
VT_BINARY(div)
VT_BINARY(pow)
VT_BINARY(remainder)
VT_BINARY(fmod)
VT_BINARY(eq)
VT_BINARY(ne)
VT_BINARY(lt)
VT_BINARY(le)
VT_BINARY(gt)
VT_BINARY(ge)

VT_TENSOR_FN(add, (TH a, TH b, double alpha, TH* out), at::add(*a, *b, num(alpha)))
VT_TENSOR_FN(add_scalar, (TH a, double b, TH* out), at::add(*a, num(b)))
VT_API int vt_add_(TH a, TH b, double alpha) { VT_BODY(a->add_(*b, num(alpha))) }
VT_API int vt_add_scalar_(TH a, double b) { VT_BODY(a->add_(num(b))) }
VT_TENSOR_FN(sub, (TH a, TH b, double alpha, TH* out), at::sub(*a, *b, num(alpha)))
VT_API int vt_sub_(TH a, TH b, double alpha) { VT_BODY(a->sub_(*b, num(alpha))) }
// Not add(-b): negating 0 gives -0.0, a floating Scalar, which would turn int_tensor - 0 into float32.
VT_TENSOR_FN(sub_scalar, (TH a, double b, TH* out), at::sub(*a, num(b)))
VT_API int vt_sub_scalar_(TH a, double b) { VT_BODY(a->sub_(num(b))) }
VT_TENSOR_FN(rsub_scalar, (TH a, double b, TH* out), at::rsub(*a, num(b)))
// As Python's Tensor.__rtruediv__: a 0-d tensor of b's dtype would truncate a for integer b (2.5 / [2] gave 1).
VT_TENSOR_FN(rdiv_scalar, (double a, TH b, TH* out), at::mul(at::reciprocal(*b), num(a)))
VT_TENSOR_FN(rpow_scalar, (double a, TH b, TH* out), at::pow(num(a), *b))
VT_TENSOR_FN(div_mode, (TH a, TH b, const char* mode, TH* out), at::div(*a, *b, std::string(mode)))
VT_TENSOR_FN(maximum, (TH a, TH b, TH* out), at::maximum(*a, *b))
VT_TENSOR_FN(minimum, (TH a, TH b, TH* out), at::minimum(*a, *b))
VT_TENSOR_FN(logical_and, (TH a, TH b, TH* out), at::logical_and(*a, *b))
VT_TENSOR_FN(logical_or, (TH a, TH b, TH* out), at::logical_or(*a, *b))
VT_TENSOR_FN(logical_xor, (TH a, TH b, TH* out), at::logical_xor(*a, *b))
VT_TENSOR_FN(bitwise_and, (TH a, TH b, TH* out), at::bitwise_and(*a, *b))
VT_TENSOR_FN(bitwise_or, (TH a, TH b, TH* out), at::bitwise_or(*a, *b))

// Clamp bounds are optional: has_min/has_max say whether min/max are given.
static c10::optional<at::Scalar> bound(int has, double v) {
  return has ? c10::optional<at::Scalar>(num(v)) : c10::nullopt;
}
VT_TENSOR_FN(clamp, (TH t, int has_min, double min, int has_max, double max, TH* out),
             at::clamp(*t, bound(has_min, min), bound(has_max, max)))
VT_API int vt_clamp_(TH t, int has_min, double min, int has_max, double max) {
  VT_BODY(at::clamp_(*t, bound(has_min, min), bound(has_max, max)))
}
VT_TENSOR_FN(clamp_tensor, (TH t, TH min, TH max, TH* out), at::clamp(*t, vt::opt(min), vt::opt(max)))

VT_TENSOR_FN(lerp, (TH a, TH end, double weight, TH* out), at::lerp(*a, *end, weight))
VT_TENSOR_FN(lerp_tensor, (TH a, TH end, TH weight, TH* out), at::lerp(*a, *end, *weight))
VT_API int vt_lerp_(TH a, TH end, double weight) { VT_BODY(a->lerp_(*end, weight)) }
VT_TENSOR_FN(addcmul, (TH t, TH a, TH b, double value, TH* out), at::addcmul(*t, *a, *b, num(value)))
VT_TENSOR_FN(addcdiv, (TH t, TH a, TH b, double value, TH* out), at::addcdiv(*t, *a, *b, num(value)))
VT_API int vt_addcmul_(TH t, TH a, TH b, double value) { VT_BODY(t->addcmul_(*a, *b, num(value))) }
VT_API int vt_addcdiv_(TH t, TH a, TH b, double value) { VT_BODY(t->addcdiv_(*a, *b, num(value))) }
VT_API int vt_zero_(TH t) { VT_BODY(t->zero_()) }
VT_API int vt_fill_(TH t, double value) { VT_BODY(t->fill_(value)) }
VT_TENSOR_FN(softmax, (TH t, int64_t dim, TH* out), at::softmax(*t, dim))
VT_TENSOR_FN(log_softmax, (TH t, int64_t dim, TH* out), at::log_softmax(*t, dim))

// ---- reductions -------------------------------------------------------------------------------
// `ndims < 0` reduces over every dimension.
static at::OptionalIntArrayRef dims_or_all(const int64_t* dims, int64_t n) {
  return n < 0 ? at::OptionalIntArrayRef() : at::OptionalIntArrayRef(vt::ints(dims, n));
}
static c10::optional<at::ScalarType> opt_dtype(int dtype) {
  return dtype < 0 ? c10::nullopt : c10::optional<at::ScalarType>(static_cast<at::ScalarType>(dtype));
}
VT_TENSOR_FN(sum, (TH t, const int64_t* dims, int64_t n, int keepdim, int dtype, TH* out),
             at::sum(*t, dims_or_all(dims, n), keepdim != 0, opt_dtype(dtype)))
VT_TENSOR_FN(mean, (TH t, const int64_t* dims, int64_t n, int keepdim, int dtype, TH* out),
             at::mean(*t, dims_or_all(dims, n), keepdim != 0, opt_dtype(dtype)))
VT_TENSOR_FN(var, (TH t, const int64_t* dims, int64_t n, int64_t correction, int keepdim, TH* out),
             at::var(*t, dims_or_all(dims, n), c10::optional<int64_t>(correction), keepdim != 0))
VT_TENSOR_FN(std, (TH t, const int64_t* dims, int64_t n, int64_t correction, int keepdim, TH* out),
             at::std(*t, dims_or_all(dims, n), c10::optional<int64_t>(correction), keepdim != 0))
VT_TENSOR_FN(prod, (TH t, TH* out), at::prod(*t))
VT_TENSOR_FN(prod_dim, (TH t, int64_t dim, int keepdim, TH* out), at::prod(*t, dim, keepdim != 0))
VT_TENSOR_FN(amax, (TH t, const int64_t* dims, int64_t n, int keepdim, TH* out),
             at::amax(*t, vt::ints(dims, n), keepdim != 0))
VT_TENSOR_FN(amin, (TH t, const int64_t* dims, int64_t n, int keepdim, TH* out),
             at::amin(*t, vt::ints(dims, n), keepdim != 0))
VT_TENSOR_FN(max_all, (TH t, TH* out), at::max(*t))
VT_TENSOR_FN(min_all, (TH t, TH* out), at::min(*t))
VT_API int vt_max_dim(TH t, int64_t dim, int keepdim, TH* values, TH* indices) {
  VT_BODY(auto r = at::max(*t, dim, keepdim != 0); *values = vt::wrap(std::get<0>(r)); *indices = vt::wrap(std::get<1>(r)))
}
VT_API int vt_min_dim(TH t, int64_t dim, int keepdim, TH* values, TH* indices) {
  VT_BODY(auto r = at::min(*t, dim, keepdim != 0); *values = vt::wrap(std::get<0>(r)); *indices = vt::wrap(std::get<1>(r)))
}
// `has_dim == 0` takes the arg over the flattened tensor.
VT_TENSOR_FN(argmax, (TH t, int has_dim, int64_t dim, int keepdim, TH* out),
             at::argmax(*t, has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim != 0))
VT_TENSOR_FN(argmin, (TH t, int has_dim, int64_t dim, int keepdim, TH* out),
             at::argmin(*t, has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim != 0))
VT_TENSOR_FN(norm, (TH t, double p, const int64_t* dims, int64_t n, int keepdim, TH* out),
             n < 0 ? at::norm(*t, p) : at::norm(*t, p, vt::ints(dims, n), keepdim != 0))
VT_TENSOR_FN(logsumexp, (TH t, const int64_t* dims, int64_t n, int keepdim, TH* out),
             at::logsumexp(*t, vt::ints(dims, n), keepdim != 0))
VT_TENSOR_FN(all, (TH t, TH* out), at::all(*t))
VT_TENSOR_FN(any, (TH t, TH* out), at::any(*t))
VT_TENSOR_FN(cumsum, (TH t, int64_t dim, TH* out), at::cumsum(*t, dim))
VT_API int vt_topk(TH t, int64_t k, int64_t dim, int largest, int sorted, TH* values, TH* indices) {
  VT_BODY(auto r = at::topk(*t, k, dim, largest != 0, sorted != 0);
          *values = vt::wrap(std::get<0>(r)); *indices = vt::wrap(std::get<1>(r)))
}
VT_API int vt_sort(TH t, int64_t dim, int descending, int stable, TH* values, TH* indices) {
  VT_BODY(auto r = at::sort(*t, stable != 0, dim, descending != 0);
          *values = vt::wrap(std::get<0>(r)); *indices = vt::wrap(std::get<1>(r)))
}
VT_TENSOR_FN(argsort, (TH t, int64_t dim, int descending, TH* out), at::argsort(*t, dim, descending != 0))
VT_API int vt_allclose(TH a, TH b, double rtol, double atol, int equal_nan, int* out) {
  VT_BODY(*out = at::allclose(*a, *b, rtol, atol, equal_nan != 0))
}
VT_API int vt_equal(TH a, TH b, int* out) { VT_BODY(*out = at::equal(*a, *b)) }

// ---- linear algebra ---------------------------------------------------------------------------
VT_TENSOR_FN(matmul, (TH a, TH b, TH* out), at::matmul(*a, *b))
VT_TENSOR_FN(mm, (TH a, TH b, TH* out), at::mm(*a, *b))
VT_TENSOR_FN(bmm, (TH a, TH b, TH* out), at::bmm(*a, *b))
VT_TENSOR_FN(addmm, (TH t, TH a, TH b, double beta, double alpha, TH* out), at::addmm(*t, *a, *b, beta, alpha))
VT_TENSOR_FN(baddbmm, (TH t, TH a, TH b, double beta, double alpha, TH* out), at::baddbmm(*t, *a, *b, beta, alpha))
VT_TENSOR_FN(einsum, (const char* equation, const TH* ts, int64_t n, TH* out),
             at::einsum(equation, vt::tensors(ts, n)))
VT_TENSOR_FN(outer, (TH a, TH b, TH* out), at::outer(*a, *b))

// ---- _foreach_ (multi-tensor) ops used by optimizers ------------------------------------------
VT_API int vt_foreach_add_(const TH* a, const TH* b, int64_t n, double alpha) {
  VT_BODY(at::_foreach_add_(vt::tensors(a, n), vt::tensors(b, n), num(alpha)))
}
VT_API int vt_foreach_add_scalar_(const TH* a, int64_t n, double value) {
  VT_BODY(at::_foreach_add_(vt::tensors(a, n), num(value)))
}
VT_API int vt_foreach_mul_scalar_(const TH* a, int64_t n, double value) {
  VT_BODY(at::_foreach_mul_(vt::tensors(a, n), num(value)))
}
VT_API int vt_foreach_mul_(const TH* a, const TH* b, int64_t n) {
  VT_BODY(at::_foreach_mul_(vt::tensors(a, n), vt::tensors(b, n)))
}
VT_API int vt_foreach_div_(const TH* a, const TH* b, int64_t n) {
  VT_BODY(at::_foreach_div_(vt::tensors(a, n), vt::tensors(b, n)))
}
VT_API int vt_foreach_addcmul_(const TH* t, const TH* a, const TH* b, int64_t n, double value) {
  VT_BODY(at::_foreach_addcmul_(vt::tensors(t, n), vt::tensors(a, n), vt::tensors(b, n), num(value)))
}
VT_API int vt_foreach_addcdiv_(const TH* t, const TH* a, const TH* b, int64_t n, double value) {
  VT_BODY(at::_foreach_addcdiv_(vt::tensors(t, n), vt::tensors(a, n), vt::tensors(b, n), num(value)))
}
VT_API int vt_foreach_zero_(const TH* a, int64_t n) { VT_BODY(at::_foreach_zero_(vt::tensors(a, n))) }
VT_API int vt_foreach_copy_(const TH* dst, const TH* src, int64_t n) {
  VT_BODY(for (int64_t i = 0; i < n; ++i) dst[i]->copy_(*src[i]))
}
// Results are written to `outs` (room for n handles).
VT_API int vt_foreach_sqrt(const TH* a, int64_t n, TH* outs) {
  VT_BODY(auto r = at::_foreach_sqrt(vt::tensors(a, n)); for (int64_t i = 0; i < n; ++i) outs[i] = vt::wrap(std::move(r[i])))
}
VT_API int vt_foreach_norm(const TH* a, int64_t n, double p, TH* outs) {
  VT_BODY(auto r = at::_foreach_norm(vt::tensors(a, n), p); for (int64_t i = 0; i < n; ++i) outs[i] = vt::wrap(std::move(r[i])))
}
VT_API int vt_foreach_add(const TH* a, const TH* b, int64_t n, double alpha, TH* outs) {
  VT_BODY(auto r = at::_foreach_add(vt::tensors(a, n), vt::tensors(b, n), num(alpha)); for (int64_t i = 0; i < n; ++i) outs[i] = vt::wrap(std::move(r[i])))
}
VT_API int vt_foreach_addcmul(const TH* t, const TH* a, const TH* b, int64_t n, double value, TH* outs) {
  VT_BODY(auto r = at::_foreach_addcmul(vt::tensors(t, n), vt::tensors(a, n), vt::tensors(b, n), num(value));
          for (int64_t i = 0; i < n; ++i) outs[i] = vt::wrap(std::move(r[i])))
}
VT_API int vt_foreach_div_scalar_(const TH* a, int64_t n, double value) {
  VT_BODY(at::_foreach_div_(vt::tensors(a, n), num(value)))
}
VT_API int vt_foreach_sqrt_(const TH* a, int64_t n) { VT_BODY(at::_foreach_sqrt_(vt::tensors(a, n))) }
VT_API int vt_foreach_maximum_(const TH* a, const TH* b, int64_t n) {
  VT_BODY(at::_foreach_maximum_(vt::tensors(a, n), vt::tensors(b, n)))
}
// ATen 1.13 has no _foreach_lerp_ or _foreach_sign: these loop here, as ATen's own CPU _foreach_ kernels do, so a
// list still costs one call from .NET.
VT_API int vt_foreach_lerp_(const TH* a, const TH* b, int64_t n, double weight) {
  VT_BODY(for (int64_t i = 0; i < n; ++i) a[i]->lerp_(*b[i], num(weight)))
}
VT_API int vt_foreach_sign(const TH* a, int64_t n, TH* outs) {
  VT_BODY(for (int64_t i = 0; i < n; ++i) outs[i] = vt::wrap(a[i]->sign()))
}
VT_API int vt_foreach_mul_scalar(const TH* a, int64_t n, double value, TH* outs) {
  VT_BODY(auto r = at::_foreach_mul(vt::tensors(a, n), num(value)); for (int64_t i = 0; i < n; ++i) outs[i] = vt::wrap(std::move(r[i])))
}
VT_API int vt_foreach_div_scalar(const TH* a, int64_t n, double value, TH* outs) {
  VT_BODY(auto r = at::_foreach_div(vt::tensors(a, n), num(value)); for (int64_t i = 0; i < n; ++i) outs[i] = vt::wrap(std::move(r[i])))
}
