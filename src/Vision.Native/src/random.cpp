// Random numbers: the global generator, explicit generators and random tensor creation.
#include "shim.h"

namespace {
// A null generator handle means libtorch's default generator for the device.
c10::optional<at::Generator> gen(void* g) {
  return g ? c10::optional<at::Generator>(*static_cast<at::Generator*>(g)) : c10::nullopt;
}
at::Generator& gen_ref(void* g) {
  return g ? *static_cast<at::Generator*>(g) : const_cast<at::Generator&>(at::detail::getDefaultCPUGenerator());
}
}  // namespace

VT_API int vt_manual_seed(uint64_t seed) { VT_BODY(at::manual_seed(seed)) }

VT_API int vt_generator_new(uint64_t seed, void** out) {
  VT_BODY(*out = new at::Generator(at::make_generator<at::CPUGeneratorImpl>(seed)))
}
VT_API void vt_generator_free(void* g) { delete static_cast<at::Generator*>(g); }
VT_API int vt_generator_manual_seed(void* g, uint64_t seed) {
  VT_BODY(auto& r = gen_ref(g); std::lock_guard<std::mutex> lock(r.mutex()); r.set_current_seed(seed))
}
VT_API int vt_generator_initial_seed(void* g, uint64_t* out) { VT_BODY(*out = gen_ref(g).current_seed()) }
// The state is a uint8 tensor, as torch.Generator.get_state() returns.
VT_API int vt_generator_get_state(void* g, TH* out) {
  VT_BODY(auto& r = gen_ref(g); std::lock_guard<std::mutex> lock(r.mutex()); *out = vt::wrap(r.get_state()))
}
VT_API int vt_generator_set_state(void* g, TH state) {
  VT_BODY(auto& r = gen_ref(g); std::lock_guard<std::mutex> lock(r.mutex()); r.set_state(*state))
}

VT_TENSOR_FN(rand, (const int64_t* shape, int64_t ndim, void* g, int dtype, int dev, int devidx, int rg, TH* out),
             vt::leaf(at::rand(vt::ints(shape, ndim), gen(g), vt::options(dtype, dev, devidx)), rg))
VT_TENSOR_FN(randn, (const int64_t* shape, int64_t ndim, void* g, int dtype, int dev, int devidx, int rg, TH* out),
             vt::leaf(at::randn(vt::ints(shape, ndim), gen(g), vt::options(dtype, dev, devidx)), rg))
VT_TENSOR_FN(randint, (int64_t low, int64_t high, const int64_t* shape, int64_t ndim, void* g, int dtype, int dev,
                       int devidx, TH* out),
             at::randint(low, high, vt::ints(shape, ndim), gen(g), vt::options(dtype, dev, devidx)))
VT_TENSOR_FN(randperm, (int64_t n, void* g, int dtype, int dev, int devidx, TH* out),
             at::randperm(n, gen(g), vt::options(dtype, dev, devidx)))
VT_TENSOR_FN(bernoulli, (TH probs, void* g, TH* out), at::bernoulli(*probs, gen(g)))
VT_TENSOR_FN(bernoulli_p, (TH t, double p, void* g, TH* out), at::bernoulli(*t, p, gen(g)))
VT_TENSOR_FN(multinomial, (TH probs, int64_t n, int replacement, void* g, TH* out),
             at::multinomial(*probs, n, replacement != 0, gen(g)))
// In-place fills used by nn.init.
VT_API int vt_uniform_(TH t, double from, double to, void* g) { VT_BODY(t->uniform_(from, to, gen(g))) }
VT_API int vt_normal_(TH t, double mean, double std, void* g) { VT_BODY(t->normal_(mean, std, gen(g))) }
