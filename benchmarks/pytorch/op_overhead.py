"""The PyTorch side of benchmarks/Vision.Benchmarks: the same work timed in PyTorch eager.

Run with Debian's interpreter (it has python3-torch, the same libtorch 1.13 Vision binds):
    /usr/bin/python3 benchmarks/pytorch/op_overhead.py
"""
import timeit

import torch
import torch.nn.functional as F


def per_call_ns(stmt, number, repeat=7):
    return min(timeit.repeat(stmt, number=number, repeat=repeat)) / number * 1e9


torch.set_num_threads(1)
a, b = torch.ones(1), torch.ones(1)
print(f"add, one-element tensors: {per_call_ns(lambda: a + b, 100_000):.0f} ns/call")

torch.manual_seed(0)
x = torch.randn(8, 32, 32, 32)
w = (torch.randn(64, 32, 3, 3) * 0.05).requires_grad_()
bias = torch.zeros(64, requires_grad=True)


def conv_step():
    F.conv2d(x, w, bias, padding=1).sum().backward()
    w.grad = None
    bias.grad = None


for threads in (1, 2):
    torch.set_num_threads(threads)
    conv_step()
    print(f"conv2d fwd+bwd (8x32x32x32, 3x3, 32->64), {threads} thread(s): {per_call_ns(conv_step, 20, 5) / 1e6:.2f} ms")
