"""The torchvision side of benchmarks/Vision.DataPipeline: the same ImageNet training pipeline on the same files.

Run Vision.DataPipeline first (it writes the JPEGs), then, with Debian's interpreter:
    /usr/bin/python3 benchmarks/pytorch/data_pipeline.py [DIR] [EPOCHS] [--stages]
--stages also times each stage on one thread (ms per image), as Vision.DataPipeline --stages does.
"""
import os
import sys
import tempfile
import time

import torch
from torchvision import datasets, transforms

args = [a for a in sys.argv[1:] if a != "--stages"]
root = args[0] if args else os.path.join(tempfile.gettempdir(), "vision-pipeline-images")
epochs = int(args[1]) if len(args) > 1 else 3
steps = [
    transforms.RandomResizedCrop(224),
    transforms.RandomHorizontalFlip(),
    transforms.ToTensor(),
    transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
]
pipeline = transforms.Compose(steps)
dataset = datasets.ImageFolder(root, pipeline)


def stages():
    """Milliseconds per image of each stage over the whole set, one thread: where a worker's time goes."""
    torch.set_num_threads(1)
    paths = [path for path, _ in dataset.samples]

    def time_stage(name, body):
        start = time.perf_counter()
        results = [body(i) for i in range(len(paths))]
        print(f"  {name:<32} {(time.perf_counter() - start) / len(paths) * 1e3:6.3f} ms/image")
        return results

    print("Stages (1 thread):")
    time_stage("read file", lambda i: open(paths[i], "rb").read())
    images = time_stage("read + decode (PIL)", lambda i: dataset.loader(paths[i]))
    for step in steps:
        images = time_stage(type(step).__name__, lambda i, step=step: step(images[i]))
    time_stage("collate (per image)", lambda i: torch.stack(images[i:i + 64]) if i % 64 == 0 else None)


if "--stages" in sys.argv:
    stages()
print(f"{len(dataset)} JPEGs in {root}; batch 64; {epochs} timed epochs after one warm-up epoch")
for workers in (1, 2):
    loader = torch.utils.data.DataLoader(dataset, batch_size=64, shuffle=True, num_workers=workers,
                                         persistent_workers=True)
    for _ in loader:
        pass
    start, images = time.perf_counter(), 0
    for _ in range(epochs):
        for x, _ in loader:
            images += x.shape[0]
    print(f"torchvision, {workers} worker(s): {images / (time.perf_counter() - start):.1f} images/s")
