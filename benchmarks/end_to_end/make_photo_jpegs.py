"""Writes a class-per-folder set of photo-like JPEGs for the end-to-end and data-pipeline benchmarks.

Each image is 500x375 (ImageNet's typical size), smooth content (a few soft colour blobs over a gradient, as in a
photo) plus mild sensor-like noise (sigma 3), saved at quality 90. Deterministic for a given seed.
    /usr/bin/python3 benchmarks/end_to_end/make_photo_jpegs.py DIR [CLASSES] [PER_CLASS]
"""
import os
import sys

import numpy as np
from PIL import Image

root = sys.argv[1]
classes = int(sys.argv[2]) if len(sys.argv) > 2 else 10
per_class = int(sys.argv[3]) if len(sys.argv) > 3 else 64
rng = np.random.default_rng(0)
h, w = 375, 500
yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
for c in range(classes):
    folder = os.path.join(root, f"class_{c:02d}")
    os.makedirs(folder, exist_ok=True)
    for i in range(per_class):
        top, bottom = rng.uniform(0, 255, 3), rng.uniform(0, 255, 3)
        image = top + (bottom - top) * (yy / h)[..., None]
        for _ in range(4):
            cy, cx = rng.uniform(0, h), rng.uniform(0, w)
            radius = rng.uniform(40, 160)
            weight = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * radius ** 2))[..., None]
            image = image * (1 - weight) + rng.uniform(0, 255, 3) * weight
        image += rng.normal(0, 3, image.shape)
        Image.fromarray(np.clip(image, 0, 255).astype(np.uint8)).save(os.path.join(folder, f"{i:04d}.jpg"), quality=90)
print(f"{classes * per_class} JPEGs in {root}")
