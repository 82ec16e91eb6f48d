// Runtime facts and settings: threads, CUDA availability, versions, and the native-overhead baseline.
#include "shim.h"

#include <ATen/Parallel.h>
#include <torch/version.h>

#include <chrono>

VT_API int vt_get_num_threads() { return at::get_num_threads(); }
VT_API int vt_set_num_threads(int n) { VT_BODY(at::set_num_threads(n)) }
VT_API int vt_get_num_interop_threads() { return at::get_num_interop_threads(); }
VT_API int vt_cuda_is_available() { return at::hasCUDA() ? 1 : 0; }
VT_API int vt_cuda_device_count() {
  return at::hasCUDA() ? static_cast<int>(at::detail::getCUDAHooks().getNumGPUs()) : 0;
}
#define VT_STR2(x) #x
#define VT_STR(x) VT_STR2(x)
VT_API const char* vt_torch_version() {
  return VT_STR(TORCH_VERSION_MAJOR) "." VT_STR(TORCH_VERSION_MINOR) "." VT_STR(TORCH_VERSION_PATCH);
}
VT_API int vt_set_deterministic(int enabled) {
  VT_BODY(at::globalContext().setDeterministicAlgorithms(enabled != 0, false))
}

// Baseline for the managed-overhead benchmark: `iterations` calls of a + b made from C++, in ns per call.
VT_API int vt_bench_add_loop(TH a, TH b, int64_t iterations, double* ns_per_call) {
  VT_BODY(
      auto start = std::chrono::steady_clock::now();
      for (int64_t i = 0; i < iterations; ++i) { at::Tensor r = at::add(*a, *b); }
      auto stop = std::chrono::steady_clock::now();
      *ns_per_call = std::chrono::duration<double, std::nano>(stop - start).count() / static_cast<double>(iterations))
}
