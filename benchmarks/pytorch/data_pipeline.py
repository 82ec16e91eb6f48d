"""The torchvision side of benchmarks/Vision.DataPipeline: the same ImageNet training pipeline on the same files.

Run Vision.DataPipeline first (it writes the JPEGs), then, with Debian's interpreter:
    /usr/bin/python3 benchmarks/pytorch/data_pipeline.py [DIR] [EPOCHS]
"""
import os
import sys
import tempfile
import time

import torch
from torchvision import datasets, transforms

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(tempfile.gettempdir(), "vision-pipeline-images")
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
pipeline = transforms.Compose([
    transforms.RandomResizedCrop(224),
    transforms.RandomHorizontalFlip(),
    transforms.ToTensor(),
    transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
])
dataset = datasets.ImageFolder(root, pipeline)
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
