"""Writes a class-balanced Fashion-MNIST subset as a class-per-folder dataset of grayscale PNGs.

usage: make_subset.py OUT_DIR [TRAIN_PER_CLASS] [VAL_PER_CLASS]
train/ comes from the first images of each class in the training split, val/ from the test split.
"""
import gzip
import os
import sys

import numpy as np
from PIL import Image

ROOT = "/usr/share/datasets/fashion-mnist"


def read_idx(name):
    with gzip.open(os.path.join(ROOT, name + ".gz"), "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def write(split, prefix, per_class, out):
    images, labels = read_idx(f"{prefix}-images-idx3-ubyte"), read_idx(f"{prefix}-labels-idx1-ubyte")
    for label in range(10):
        folder = os.path.join(out, split, str(label))
        os.makedirs(folder, exist_ok=True)
        for n, index in enumerate(np.flatnonzero(labels == label)[:per_class]):
            Image.fromarray(images[index], mode="L").save(os.path.join(folder, f"{n}.png"))


if __name__ == "__main__":
    out = sys.argv[1]
    write("train", "train", int(sys.argv[2]) if len(sys.argv) > 2 else 100, out)
    write("val", "t10k", int(sys.argv[3]) if len(sys.argv) > 3 else 100, out)
