"""The PyTorch side of the inference benchmark in run_infer.sh: classify every JPEG under DIR with a resnet18 in eval
mode under no_grad, batch 32, MMPreTrain's test preprocessing at 112 px (resize the short side to 128, center-crop
112, normalise), decoding with PIL in the main process as `vision infer` decodes on its calling thread.
Prints the images per second over the whole folder (model creation excluded).
    /usr/bin/python3 benchmarks/end_to_end/infer_folder.py DIR
"""
import glob
import os
import sys
import time

import torch
import torchvision
from PIL import Image
from torchvision import transforms

root = sys.argv[1]
paths = sorted(glob.glob(os.path.join(root, "**", "*.jpg"), recursive=True))
pipeline = transforms.Compose([
    transforms.Resize(128),
    transforms.CenterCrop(112),
    transforms.ToTensor(),
    transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
])
model = torchvision.models.resnet18(num_classes=10).eval()
start = time.perf_counter()
with torch.no_grad():
    for i in range(0, len(paths), 32):
        batch = torch.stack([pipeline(Image.open(p).convert("RGB")) for p in paths[i:i + 32]])
        scores = model(batch).softmax(1)
        scores.max(1)
print(f"PyTorch infer: {len(paths)} images, {len(paths) / (time.perf_counter() - start):.1f} images/s, "
      f"threads {torch.get_num_threads()}")
