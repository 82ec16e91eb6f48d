// Precompiled header: the libtorch headers every shim source needs.
#pragma once
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <c10/core/InferenceMode.h>
#include <string>
#include <vector>
