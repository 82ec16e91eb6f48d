"""The PyTorch side of benchmarks/run_ddp.sh: resnet18 steps (forward, backward, SGD) on random data, as one process
or one rank of a DDP job (ranks started directly with MASTER_ADDR/MASTER_PORT/RANK/WORLD_SIZE set: Debian's
torch.distributed.run fails under Python 3.11). Rank 0 prints the global images per second.
    /usr/bin/python3 benchmarks/pytorch/ddp_step.py [GLOBAL_BATCH] [SIZE] [STEPS]
"""
import os
import sys
import time

import torch
import torch.distributed as dist
import torchvision

global_batch = int(sys.argv[1]) if len(sys.argv) > 1 else 32
size = int(sys.argv[2]) if len(sys.argv) > 2 else 64
steps = int(sys.argv[3]) if len(sys.argv) > 3 else 20
warmup = 3
distributed = "WORLD_SIZE" in os.environ
if distributed:
    dist.init_process_group("gloo")
rank, world = (dist.get_rank(), dist.get_world_size()) if distributed else (0, 1)
torch.manual_seed(0)
model = torchvision.models.resnet18(num_classes=1000)
trained = torch.nn.parallel.DistributedDataParallel(model) if distributed else model
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
per_rank = global_batch // world
images = torch.randn(per_rank, 3, size, size)
labels = torch.randint(0, 1000, (per_rank,))
for step in range(warmup + steps):
    if step == warmup:
        start = time.perf_counter()
    optimizer.zero_grad(set_to_none=True)
    torch.nn.functional.cross_entropy(trained(images), labels).backward()
    optimizer.step()
elapsed = time.perf_counter() - start
if rank == 0:
    kind = "DDP" if distributed else "single"
    print(f"PyTorch {kind}: {world} process(es) x {torch.get_num_threads()} thread(s), global batch {per_rank * world}, "
          f"{size} px: {per_rank * world * steps / elapsed:.1f} images/s")
if distributed:
    dist.destroy_process_group()
