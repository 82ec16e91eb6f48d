// Distributed collectives over libtorch's c10d: a TCPStore rendezvous and a Gloo process group (CPU). NCCL for CUDA
// tensors comes with CUDA builds of libtorch. A process group crosses the ABI as an opaque pointer (vt_pg_*).
#include "shim.h"

#ifdef USE_C10D_GLOO
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

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

void barrier(void* pg) {
  auto& g = pg_ref(pg);
  run(g, "barrier", g.group->barrier());
}

void free_group(void* pg) { delete static_cast<ProcessGroupHandle*>(pg); }
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
void free_group(void*) {}
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
