// Host memory placement: page-locked (pinned) buffers, so host-to-device copies can run asynchronously.
#include "shim.h"

// Fails on builds without a CUDA runtime (no pinned-memory allocator); callers check cuda.is_available() first.
VT_TENSOR_FN(pin_memory, (TH t, TH* out), t->pin_memory())

VT_API int vt_is_pinned(TH t, int* out) { VT_BODY(*out = t->is_pinned() ? 1 : 0) }
