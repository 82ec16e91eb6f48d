// Errors, tensor lifetime and properties, creation, data transfer and conversion.
#include "shim.h"

#include <cstring>

namespace {
thread_local std::string last_error;
}

namespace vt {
void set_error(const char* message) { last_error = message ? message : "unknown error"; }

const char* last_error_text() { return last_error.c_str(); }

int fail_current_exception() {
  try {
    throw;
  } catch (const c10::Error& e) {
    // what() carries a C++ backtrace; the message alone names shapes and dtypes.
    set_error(e.what_without_backtrace());
  } catch (const std::exception& e) {
    set_error(e.what());
  } catch (...) {
    set_error("unknown C++ exception in Vision.Native");
  }
  return 1;
}

std::vector<at::Tensor> tensors(const TH* handles, int64_t n) {
  std::vector<at::Tensor> result;
  result.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) result.push_back(handles[i] ? *handles[i] : at::Tensor());
  return result;
}

at::TensorOptions options(int dtype, int device_type, int device_index) {
  return at::TensorOptions()
      .dtype(static_cast<at::ScalarType>(dtype))
      .device(at::Device(static_cast<at::DeviceType>(device_type), static_cast<c10::DeviceIndex>(device_index)));
}
}  // namespace vt

VT_API const char* vt_last_error() { return last_error.c_str(); }

VT_API void vt_free(TH t) { delete t; }

// ---- properties -------------------------------------------------------------------------------
VT_API int vt_dim(TH t, int64_t* out) { VT_BODY(*out = t->dim()) }
VT_API int vt_shape(TH t, int64_t* buffer) {
  VT_BODY(auto s = t->sizes(); std::copy(s.begin(), s.end(), buffer))
}
VT_API int vt_strides(TH t, int64_t* buffer) {
  VT_BODY(auto s = t->strides(); std::copy(s.begin(), s.end(), buffer))
}
VT_API int vt_numel(TH t, int64_t* out) { VT_BODY(*out = t->numel()) }
VT_API int vt_dtype(TH t, int* out) { VT_BODY(*out = static_cast<int>(t->scalar_type())) }
VT_API int vt_device(TH t, int* type, int* index) {
  VT_BODY(*type = static_cast<int>(t->device().type()); *index = t->device().index())
}
VT_API int vt_is_contiguous(TH t, int memory_format, int* out) {
  VT_BODY(*out = t->is_contiguous(static_cast<at::MemoryFormat>(memory_format)))
}
VT_API int vt_storage_offset(TH t, int64_t* out) { VT_BODY(*out = t->storage_offset()) }
VT_API int vt_data_ptr(TH t, void** out) { VT_BODY(*out = t->data_ptr()) }
VT_API int vt_is_defined(TH t, int* out) { VT_BODY(*out = t->defined()) }
VT_API int vt_same_storage(TH a, TH b, int* out) {
  VT_BODY(*out = a->storage().is_alias_of(b->storage()))
}

// ---- creation ---------------------------------------------------------------------------------
VT_TENSOR_FN(empty, (const int64_t* shape, int64_t ndim, int dtype, int dev, int devidx, int rg, TH* out),
             vt::leaf(at::empty(vt::ints(shape, ndim), vt::options(dtype, dev, devidx)), rg))
VT_TENSOR_FN(zeros, (const int64_t* shape, int64_t ndim, int dtype, int dev, int devidx, int rg, TH* out),
             vt::leaf(at::zeros(vt::ints(shape, ndim), vt::options(dtype, dev, devidx)), rg))
VT_TENSOR_FN(ones, (const int64_t* shape, int64_t ndim, int dtype, int dev, int devidx, int rg, TH* out),
             vt::leaf(at::ones(vt::ints(shape, ndim), vt::options(dtype, dev, devidx)), rg))
VT_TENSOR_FN(full, (const int64_t* shape, int64_t ndim, double value, int dtype, int dev, int devidx, int rg, TH* out),
             vt::leaf(at::full(vt::ints(shape, ndim), value, vt::options(dtype, dev, devidx)), rg))
VT_TENSOR_FN(arange, (double start, double end, double step, int dtype, int dev, int devidx, int rg, TH* out),
             vt::leaf(at::arange(start, end, step, vt::options(dtype, dev, devidx)), rg))
VT_TENSOR_FN(linspace, (double start, double end, int64_t steps, int dtype, int dev, int devidx, int rg, TH* out),
             vt::leaf(at::linspace(start, end, steps, vt::options(dtype, dev, devidx)), rg))
VT_TENSOR_FN(eye, (int64_t n, int64_t m, int dtype, int dev, int devidx, int rg, TH* out),
             vt::leaf(at::eye(n, m, vt::options(dtype, dev, devidx)), rg))

// Copies `nbytes` of host memory into a new CPU tensor of the given shape and dtype.
VT_API int vt_from_data(const void* data, const int64_t* shape, int64_t ndim, int dtype, TH* out) {
  VT_BODY(
      at::Tensor t = at::empty(vt::ints(shape, ndim), at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype)));
      std::memcpy(t.data_ptr(), data, t.nbytes());
      *out = vt::wrap(std::move(t)))
}

// Wraps host memory without copying; `deleter(context)` runs when libtorch frees the storage.
typedef void (*vt_deleter)(void* context);
VT_API int vt_from_blob(void* data, const int64_t* shape, int64_t ndim, int dtype, vt_deleter deleter, void* context,
                        TH* out) {
  VT_BODY(*out = vt::wrap(at::from_blob(
              data, vt::ints(shape, ndim), [deleter, context](void*) { deleter(context); },
              at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype)))))
}

// Copies the tensor's elements, in row-major order, into host memory of `nbytes` bytes.
VT_API int vt_copy_to_host(TH t, void* dst, int64_t nbytes) {
  VT_BODY(
      at::Tensor c = t->detach().to(at::kCPU).contiguous();
      if (static_cast<int64_t>(c.nbytes()) != nbytes) {
        throw std::invalid_argument("vt_copy_to_host: destination holds " + std::to_string(nbytes) +
                                    " bytes but the tensor needs " + std::to_string(c.nbytes()));
      }
      std::memcpy(dst, c.data_ptr(), c.nbytes()))
}

VT_API int vt_item_double(TH t, double* out) { VT_BODY(*out = t->item<double>()) }
VT_API int vt_item_long(TH t, int64_t* out) { VT_BODY(*out = t->item<int64_t>()) }

VT_API int vt_to_string(TH t, char* buffer, int64_t capacity, int64_t* needed) {
  VT_BODY(
      std::ostringstream s; s << *t; std::string text = s.str();
      *needed = static_cast<int64_t>(text.size()) + 1;
      if (capacity >= *needed) std::memcpy(buffer, text.c_str(), text.size() + 1))
}

// ---- conversion -------------------------------------------------------------------------------
VT_TENSOR_FN(to, (TH t, int dtype, int dev, int devidx, int non_blocking, int copy, TH* out),
             t->to(at::Device(static_cast<at::DeviceType>(dev), static_cast<c10::DeviceIndex>(devidx)),
                   static_cast<at::ScalarType>(dtype), non_blocking != 0, copy != 0))
VT_TENSOR_FN(contiguous, (TH t, int memory_format, TH* out),
             t->contiguous(static_cast<at::MemoryFormat>(memory_format)))
VT_TENSOR_FN(clone, (TH t, TH* out), t->clone())
VT_TENSOR_FN(alias, (TH t, TH* out), at::Tensor(*t))
VT_API int vt_copy_(TH dst, TH src, int non_blocking) { VT_BODY(dst->copy_(*src, non_blocking != 0)) }
