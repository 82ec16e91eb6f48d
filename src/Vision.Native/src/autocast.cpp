// Automatic mixed precision: libtorch's autocast state per device type (thread-local in ATen).
// The managed torch.autocast guard composes these the way torch.autocast's __enter__/__exit__ do.
#include "shim.h"

#include <ATen/autocast_mode.h>

namespace {
// Device type codes are c10::DeviceType's (CPU = 0, CUDA = 1); autocast exists for those two here.
void require_supported(int device_type) {
  TORCH_CHECK(device_type == 0 || device_type == 1,
              "autocast supports the device types cpu (0) and cuda (1), got ", device_type);
}
}  // namespace

VT_API int vt_autocast_is_enabled(int device_type, int* out) {
  VT_BODY(require_supported(device_type);
          *out = (device_type == 0 ? at::autocast::is_cpu_enabled() : at::autocast::is_enabled()) ? 1 : 0)
}
VT_API int vt_autocast_set_enabled(int device_type, int enabled) {
  VT_BODY(require_supported(device_type);
          if (device_type == 0) { at::autocast::set_cpu_enabled(enabled != 0); }
          else { at::autocast::set_enabled(enabled != 0); })
}
VT_API int vt_autocast_get_dtype(int device_type, int* type) {
  VT_BODY(require_supported(device_type);
          *type = static_cast<int>(device_type == 0 ? at::autocast::get_autocast_cpu_dtype()
                                                    : at::autocast::get_autocast_gpu_dtype()))
}
VT_API int vt_autocast_set_dtype(int device_type, int dtype) {
  VT_BODY(require_supported(device_type);
          auto type = static_cast<at::ScalarType>(dtype);
          if (device_type == 0) { at::autocast::set_autocast_cpu_dtype(type); }
          else { at::autocast::set_autocast_gpu_dtype(type); })
}
// Nesting counts the open autocast regions; the cast cache may only be cleared when the outermost one closes.
VT_API int vt_autocast_increment_nesting(int* out) { VT_BODY(*out = at::autocast::increment_nesting()) }
VT_API int vt_autocast_decrement_nesting(int* out) { VT_BODY(*out = at::autocast::decrement_nesting()) }
VT_API int vt_autocast_clear_cache() { VT_BODY(at::autocast::clear_cache()) }
