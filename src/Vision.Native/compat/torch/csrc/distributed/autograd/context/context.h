// Stand-in for libtorch's torch/csrc/distributed/autograd/context/context.h, which Debian's libtorch-dev 1.13 does not
// ship although c10d/reducer.hpp includes it. The Reducer only names two types from it (the callback type and a
// shared_ptr to the context), so declaring them keeps its layout identical to libtorch's; nothing here is defined.
// CMake puts this folder on the include path only when the real header is missing.
#pragma once

#include <ATen/core/Tensor.h>

#include <functional>
#include <memory>

namespace torch {
namespace distributed {
namespace autograd {

class DistAutogradContext {
 public:
  using GradCallback = std::function<bool(at::Tensor&)>;
};

using ContextPtr = std::shared_ptr<DistAutogradContext>;

}  // namespace autograd
}  // namespace distributed
}  // namespace torch
