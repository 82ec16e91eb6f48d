// Autograd: gradients, backward, grad modes, inference mode and tensor hooks.
#include "shim.h"

VT_API int vt_requires_grad(TH t, int* out) { VT_BODY(*out = t->requires_grad()) }
VT_API int vt_set_requires_grad(TH t, int value) { VT_BODY(t->requires_grad_(value != 0)) }
VT_API int vt_is_leaf(TH t, int* out) { VT_BODY(*out = t->is_leaf()) }
// Writes a null handle when the tensor has no gradient.
VT_API int vt_grad(TH t, TH* out) {
  VT_BODY(const at::Tensor& g = t->grad(); *out = g.defined() ? vt::wrap(g) : nullptr)
}
// A null handle clears the gradient.
VT_API int vt_set_grad(TH t, TH grad) { VT_BODY(t->mutable_grad() = grad ? *grad : at::Tensor()) }
VT_TENSOR_FN(detach, (TH t, TH* out), t->detach())
VT_API int vt_detach_(TH t) { VT_BODY(t->detach_()) }
// t.data = data: swaps the data (dtype, device, shape) while the tensor keeps its autograd identity.
VT_API int vt_set_data(TH t, TH data) { VT_BODY(t->set_data(*data)) }
VT_API int vt_grad_fn_name(TH t, char* buffer, int64_t capacity, int64_t* needed) {
  VT_BODY(
      std::string name = t->grad_fn() ? t->grad_fn()->name() : std::string();
      *needed = static_cast<int64_t>(name.size()) + 1;
      if (capacity >= *needed) std::memcpy(buffer, name.c_str(), name.size() + 1))
}

// grads may hold null entries (implicit ones for scalar outputs).
VT_API int vt_backward(const TH* outputs, const TH* grads, int64_t n, int retain_graph, int create_graph) {
  VT_BODY(
      std::vector<at::Tensor> g;
      for (int64_t i = 0; i < n; ++i) g.push_back(grads && grads[i] ? *grads[i] : at::Tensor());
      torch::autograd::backward(vt::tensors(outputs, n), g, c10::optional<bool>(retain_graph != 0),
                                create_graph != 0))
}
// torch.autograd.grad: gradients of outputs w.r.t. inputs, written to `outs` (room for n_inputs).
VT_API int vt_autograd_grad(const TH* outputs, const TH* grads, int64_t n_outputs, const TH* inputs, int64_t n_inputs,
                            int retain_graph, int create_graph, int allow_unused, TH* outs) {
  VT_BODY(
      std::vector<at::Tensor> g;
      for (int64_t i = 0; i < n_outputs; ++i) g.push_back(grads && grads[i] ? *grads[i] : at::Tensor());
      auto r = torch::autograd::grad(vt::tensors(outputs, n_outputs), vt::tensors(inputs, n_inputs), g,
                                     c10::optional<bool>(retain_graph != 0), create_graph != 0, allow_unused != 0);
      for (int64_t i = 0; i < n_inputs; ++i) outs[i] = r[i].defined() ? vt::wrap(std::move(r[i])) : nullptr)
}

VT_API int vt_is_grad_enabled() { return at::GradMode::is_enabled() ? 1 : 0; }
VT_API void vt_set_grad_enabled(int enabled) { at::GradMode::set_enabled(enabled != 0); }

// Inference mode is an RAII guard in C++; the managed side holds it as an opaque handle on one thread.
VT_API int vt_inference_mode_enter(int enabled, void** out) { VT_BODY(*out = new c10::InferenceMode(enabled != 0)) }
VT_API void vt_inference_mode_exit(void* guard) { delete static_cast<c10::InferenceMode*>(guard); }
VT_API int vt_is_inference_mode_enabled() { return c10::InferenceMode::is_enabled() ? 1 : 0; }

// Tensor hook: `callback(context, grad, &replacement)` receives a new handle to the gradient (owned by the
// callee) and may return a replacement handle (owned by the shim) or null to keep it. Returns nonzero on
// a managed exception, whose message it has stored with vt_set_error.
typedef int (*vt_hook_fn)(void* context, TH grad, TH* replacement);
typedef void (*vt_release_fn)(void* context);
VT_API int vt_register_hook(TH t, vt_hook_fn callback, void* context, vt_release_fn release, int64_t* out) {
  VT_BODY(
      // The shared_ptr releases the managed context when libtorch drops the hook.
      std::shared_ptr<void> ctx(context, release);
      *out = static_cast<int64_t>(t->register_hook([callback, ctx](const at::Tensor& grad) -> at::Tensor {
        TH replacement = nullptr;
        if (callback(ctx.get(), vt::wrap(grad), &replacement) != 0) {
          throw std::runtime_error(std::string("tensor hook failed: ") + vt::last_error_text());
        }
        if (!replacement) return at::Tensor();
        at::Tensor r = *replacement;
        delete replacement;
        return r;
      })))
}
VT_API int vt_remove_hook(TH t, int64_t id) { VT_BODY(t->remove_hook(static_cast<unsigned>(id))) }
VT_API void vt_set_error(const char* message) { vt::set_error(message); }
