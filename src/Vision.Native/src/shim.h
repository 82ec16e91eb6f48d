// Conventions shared by every exported function of the shim.
//
// * A tensor crosses the boundary as a heap-allocated at::Tensor* (a "handle"); vt_free releases it.
// * Every entry point returns a status (0 = ok, 1 = error) and writes results through out-parameters.
// * Every entry point catches C++ exceptions and keeps the message in a thread-local buffer that
//   vt_last_error() returns; the managed side turns it into a TorchException.
// * Only handles, integers, doubles, pointers to arrays with lengths and UTF-8 strings cross the ABI.
#pragma once
#include "pch.h"

#define VT_API extern "C" __attribute__((visibility("default")))

typedef at::Tensor* TH;

namespace vt {
void set_error(const char* message);
const char* last_error_text();
int fail_current_exception();

inline TH wrap(at::Tensor&& t) { return new at::Tensor(std::move(t)); }
inline TH wrap(const at::Tensor& t) { return new at::Tensor(t); }

// Optional tensor argument: a null handle means "not given".
inline c10::optional<at::Tensor> opt(TH h) {
  return h ? c10::optional<at::Tensor>(*h) : c10::nullopt;
}
inline at::IntArrayRef ints(const int64_t* data, int64_t n) { return at::IntArrayRef(data, static_cast<size_t>(n)); }
std::vector<at::Tensor> tensors(const TH* handles, int64_t n);
at::TensorOptions options(int dtype, int device_type, int device_index);
// ATen factories ignore requires_grad in TensorOptions; set it on the new leaf instead.
inline at::Tensor leaf(at::Tensor t, int requires_grad) { return requires_grad ? t.requires_grad_(true) : t; }
}  // namespace vt

// Body wrapper: runs the statements, returns 0, or stores the exception text and returns 1.
#define VT_BODY(...)                        \
  try {                                     \
    __VA_ARGS__;                            \
    return 0;                               \
  } catch (...) {                           \
    return vt::fail_current_exception();    \
  }

// Defines `int vt_NAME(ARGS..., TH* out)` that stores the tensor EXPR in *out.
#define VT_TENSOR_FN(NAME, ARGS, EXPR) \
  VT_API int vt_##NAME ARGS { VT_BODY(*out = vt::wrap(EXPR)) }
