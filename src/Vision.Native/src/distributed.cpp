// Distributed collectives over libtorch's c10d: a TCPStore rendezvous and a Gloo process group (CPU). NCCL for CUDA
// tensors comes with CUDA builds of libtorch. A process group crosses the ABI as an opaque pointer (vt_pg_*).
#include "shim.h"

#ifdef USE_C10D_GLOO
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/distributed/c10d/comm.hpp>
#include <torch/csrc/distributed/c10d/reducer.hpp>
#include <torch/csrc/autograd/custom_function.h>

namespace {
struct ProcessGroupHandle {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroup> group;
  int rank;
  int size;
  std::chrono::milliseconds timeout;
};

ProcessGroupHandle& pg_ref(void* pg) {
  TORCH_CHECK(pg != nullptr, "the process group is not initialised (call init_process_group first)");
  return *static_cast<ProcessGroupHandle*>(pg);
}

// Waits for a collective and names the rank and the operation when it fails or times out, so the message says which
// process gave up on what (Gloo's own text names the peer that closed the connection).
void run(ProcessGroupHandle& g, const char* what, const c10::intrusive_ptr<c10d::Work>& work) {
  try {
    if (!work->wait(g.timeout)) {
      TORCH_CHECK(false, "timed out after ", g.timeout.count(), " ms");
    }
  } catch (const std::exception& e) {
    TORCH_CHECK(false, "rank ", g.rank, " of ", g.size, ": ", what, " failed: ", e.what());
  }
}

// Gloo in libtorch 1.13 has no AVG: it is a SUM divided by the world size afterwards (op code 1).
c10d::ReduceOp reduce_op(int op) {
  switch (op) {
    case 0: case 1: return c10d::ReduceOp::SUM;
    case 2: return c10d::ReduceOp::PRODUCT;
    case 3: return c10d::ReduceOp::MIN;
    case 4: return c10d::ReduceOp::MAX;
    default: TORCH_CHECK(false, "unknown reduce op ", op);
  }
}

void* init_gloo(const char* host, int port, int rank, int size, int64_t timeout_ms) {
  TORCH_CHECK(size >= 1, "world_size must be at least 1, got ", size);
  TORCH_CHECK(rank >= 0 && rank < size, "rank must be in [0, ", size, "), got ", rank);
  TORCH_CHECK(port > 0 && port < 65536, "the master port must be in 1..65535, got ", port);
  auto timeout = std::chrono::milliseconds(timeout_ms);
  c10d::TCPStoreOptions store_options;
  store_options.port = static_cast<std::uint16_t>(port);
  store_options.isServer = rank == 0;
  store_options.numWorkers = size;
  store_options.waitWorkers = true;
  store_options.timeout = timeout;
  auto tcp = c10::make_intrusive<c10d::TCPStore>(std::string(host), store_options);
  // As torch.distributed does: the default group's keys live under a prefix, so other groups can share the store.
  auto store = c10::make_intrusive<c10d::PrefixStore>("default_pg", tcp);
  auto options = c10d::ProcessGroupGloo::Options::create(timeout);
  options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(host));
  auto group = c10::make_intrusive<c10d::ProcessGroupGloo>(store, rank, size, options);
  return new ProcessGroupHandle{store, group, rank, size, timeout};
}


void all_reduce(void* pg, TH t, int op) {
  auto& g = pg_ref(pg);
  std::vector<at::Tensor> ts{*t};
  c10d::AllreduceOptions o;
  o.reduceOp = reduce_op(op);
  run(g, "all_reduce", g.group->allreduce(ts, o));
  if (op == 1) t->div_(g.size);
}

void broadcast(void* pg, TH t, int src) {
  auto& g = pg_ref(pg);
  TORCH_CHECK(src >= 0 && src < g.size, "broadcast: src must be in [0, ", g.size, "), got ", src);
  std::vector<at::Tensor> ts{*t};
  c10d::BroadcastOptions o;
  o.rootRank = src;
  run(g, "broadcast", g.group->broadcast(ts, o));
}

void all_gather(void* pg, TH t, const TH* outs, int64_t n) {
  auto& g = pg_ref(pg);
  TORCH_CHECK(n == g.size, "all_gather: needs one output tensor per rank (", g.size, "), got ", n);
  std::vector<std::vector<at::Tensor>> out{vt::tensors(outs, n)};
  std::vector<at::Tensor> in{*t};
  run(g, "all_gather", g.group->allgather(out, in));
}

// A differentiable sum over the ranks: forward all-reduces a copy of the input, backward all-reduces the incoming
// gradient (each rank's loss depends on every rank's input through the sum). SyncBatchNorm reduces its statistics
// with it, so its backward matches PyTorch's (whose kernel all-reduces sum_dy and sum_dy_xmu).
struct AllReduceSum : public torch::autograd::Function<AllReduceSum> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& input, int64_t pg_address) {
    ctx->saved_data["pg"] = pg_address;
    auto out = input.clone();
    all_reduce(reinterpret_cast<void*>(pg_address), &out, 0);
    return out;
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::variable_list grads) {
    auto grad = grads[0].clone();
    all_reduce(reinterpret_cast<void*>(ctx->saved_data["pg"].toInt()), &grad, 0);
    return {grad, at::Tensor()};
  }
};

at::Tensor all_reduce_sum_autograd(void* pg, TH t) {
  pg_ref(pg);
  return AllReduceSum::apply(*t, reinterpret_cast<int64_t>(pg));
}

void barrier(void* pg) {
  auto& g = pg_ref(pg);
  run(g, "barrier", g.group->barrier());
}

void free_group(void* pg) { delete static_cast<ProcessGroupHandle*>(pg); }

// Copies rank src's tensors into every rank's in buckets of buffer_size bytes (DDP's initial parameter sync).
void broadcast_coalesced(void* pg, const TH* tensors, int64_t n, int64_t buffer_size, int src) {
  auto& g = pg_ref(pg);
  // Parameters are leaves that require grad; copying into them is not part of any graph.
  at::NoGradGuard no_grad;
  try {
    c10d::broadcast_coalesced(g.group, vt::tensors(tensors, n), static_cast<size_t>(buffer_size), src);
  } catch (const std::exception& e) {
    TORCH_CHECK(false, "rank ", g.rank, " of ", g.size, ": broadcast_coalesced failed: ", e.what());
  }
}

// DistributedDataParallel's engine, as torch.nn.parallel.DistributedDataParallel builds it: the parameters in
// buckets (the first 1 MiB, then bucket_cap bytes, in reverse order as gradients tend to arrive), and a Reducer whose
// autograd hooks all-reduce (sum) each bucket as soon as its gradients are ready and average them at the end.
constexpr int64_t kDefaultBucketCap = 25 * 1024 * 1024;
constexpr int64_t kFirstBucketBytes = 1024 * 1024;

void* ddp_new(void* pg, const TH* params, int64_t n, int64_t bucket_cap, int find_unused, int gradient_as_bucket_view) {
  auto& g = pg_ref(pg);
  TORCH_CHECK(n > 0, "DistributedDataParallel: the module has no parameter that requires a gradient");
  TORCH_CHECK(bucket_cap > 0, "DistributedDataParallel: bucket_cap_mb must be positive");
  auto ps = vt::tensors(params, n);
  std::vector<bool> sparse(static_cast<size_t>(n), false);
  auto assignment = c10d::compute_bucket_assignment_by_size(
      ps, {static_cast<size_t>(kFirstBucketBytes), static_cast<size_t>(bucket_cap)}, sparse);
  auto indices = std::get<0>(assignment);
  auto limits = std::get<1>(assignment);
  std::reverse(indices.begin(), indices.end());
  std::reverse(limits.begin(), limits.end());
  return new c10d::Reducer(ps, indices, limits, g.group, sparse, bucket_cap, find_unused != 0,
                           gradient_as_bucket_view != 0, {},
                           bucket_cap == kDefaultBucketCap ? kFirstBucketBytes : bucket_cap);
}

c10d::Reducer& reducer_ref(void* ddp) {
  TORCH_CHECK(ddp != nullptr, "DistributedDataParallel was disposed");
  return *static_cast<c10d::Reducer*>(ddp);
}

// sync: this forward's backward all-reduces (false inside no_sync).
void ddp_prepare_forward(void* ddp, int sync) {
  auto& r = reducer_ref(ddp);
  if (sync) r.prepare_for_forward();
  // After the first synchronised backward the buckets follow the order gradients really arrived in (all ranks agree).
  r.rebuild_buckets();
}

void ddp_prepare_backward(void* ddp, const TH* outputs, int64_t n) { reducer_ref(ddp).prepare_for_backward(vt::tensors(outputs, n)); }
void ddp_free(void* ddp) { delete static_cast<c10d::Reducer*>(ddp); }
constexpr int available = 1;
}  // namespace
#else
namespace {
[[noreturn]] void unavailable() {
  TORCH_CHECK(false, "this build of the Vision shim has no c10d Gloo support (install Debian's libgloo-dev and rebuild)");
}
void* init_gloo(const char*, int, int, int, int64_t) { unavailable(); }
void all_reduce(void*, TH, int) { unavailable(); }
void broadcast(void*, TH, int) { unavailable(); }
void all_gather(void*, TH, const TH*, int64_t) { unavailable(); }
void barrier(void*) { unavailable(); }
at::Tensor all_reduce_sum_autograd(void*, TH) { unavailable(); }
void free_group(void*) {}
void broadcast_coalesced(void*, const TH*, int64_t, int64_t, int) { unavailable(); }
void* ddp_new(void*, const TH*, int64_t, int64_t, int, int) { unavailable(); }
void ddp_prepare_forward(void*, int) { unavailable(); }
void ddp_prepare_backward(void*, const TH*, int64_t) { unavailable(); }
void ddp_free(void*) {}
constexpr int available = 0;
}  // namespace
#endif

VT_API int vt_dist_is_available() { return available; }
VT_API int vt_pg_init_gloo(const char* host, int port, int rank, int world_size, int64_t timeout_ms, void** out) {
  VT_BODY(*out = init_gloo(host, port, rank, world_size, timeout_ms))
}
VT_API void vt_pg_free(void* pg) { free_group(pg); }
VT_API int vt_pg_all_reduce(void* pg, TH t, int op) { VT_BODY(all_reduce(pg, t, op)) }
VT_API int vt_pg_broadcast(void* pg, TH t, int src) { VT_BODY(broadcast(pg, t, src)) }
// outs: one tensor per rank shaped like t, filled with every rank's t in rank order.
VT_API int vt_pg_all_gather(void* pg, TH t, const TH* outs, int64_t n) { VT_BODY(all_gather(pg, t, outs, n)) }
VT_API int vt_pg_barrier(void* pg) { VT_BODY(barrier(pg)) }
// The sum of t over the ranks as a new tensor whose backward sums the gradient over the ranks too.
VT_API int vt_pg_all_reduce_sum_autograd(void* pg, TH t, TH* out) { VT_BODY(*out = vt::wrap(all_reduce_sum_autograd(pg, t))) }
VT_API int vt_pg_broadcast_coalesced(void* pg, const TH* tensors, int64_t n, int64_t buffer_size, int src) {
  VT_BODY(broadcast_coalesced(pg, tensors, n, buffer_size, src))
}
VT_API int vt_ddp_new(void* pg, const TH* params, int64_t n, int64_t bucket_cap, int find_unused, int gradient_as_bucket_view, void** out) {
  VT_BODY(*out = ddp_new(pg, params, n, bucket_cap, find_unused, gradient_as_bucket_view))
}
VT_API void vt_ddp_free(void* ddp) { ddp_free(ddp); }
VT_API int vt_ddp_prepare_forward(void* ddp, int sync) { VT_BODY(ddp_prepare_forward(ddp, sync)) }
// outputs: the forward's outputs, searched for unused parameters when find_unused_parameters is on (else n = 0).
VT_API int vt_ddp_prepare_backward(void* ddp, const TH* outputs, int64_t n) { VT_BODY(ddp_prepare_backward(ddp, outputs, n)) }
