// Runtime facts and settings: threads, CUDA availability, versions, and the native-overhead baseline.
#include "shim.h"

#include <ATen/Parallel.h>
#include <torch/version.h>

#include <chrono>
#ifdef _OPENMP
#include <omp.h>
#endif

VT_API int vt_get_num_threads() { return at::get_num_threads(); }
VT_API int vt_set_num_threads(int n) { VT_BODY(at::set_num_threads(n)) }
// OpenMP keeps the intra-op thread count per thread: this limits the ops called from the calling thread only (a data
// loader worker), while the training thread keeps the pool size set by vt_set_num_threads. get_num_threads first runs
// libtorch's once-per-thread initialisation, which would otherwise overwrite the count at the thread's first op.
static void set_current_thread_num_threads(int n) {
  TORCH_CHECK(n > 0, "the thread count must be positive, got ", n);
  at::get_num_threads();
#ifdef _OPENMP
  omp_set_num_threads(n);
#endif
}
VT_API int vt_set_current_thread_num_threads(int n) { VT_BODY(set_current_thread_num_threads(n)) }
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
