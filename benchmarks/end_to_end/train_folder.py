"""The PyTorch side of benchmarks/end_to_end/run.sh: the run resnet18_folder.json describes, as a user would write it.

torchvision ImageFolder + DataLoader (2 workers, persistent), RandomResizedCrop(112) + flip + normalise, resnet18 with
one output per class, AdamW(lr 1e-3, weight decay 0.05), batch 32, default thread settings. Prints each iteration's
wall time (data wait included) as "iter N time T", like the Vision side's train/time scalar.
    /usr/bin/python3 benchmarks/end_to_end/train_folder.py DIR ITERS
"""
import sys
import time

import torch
import torchvision
from torchvision import datasets, transforms

root, iters = sys.argv[1], int(sys.argv[2])
torch.manual_seed(0)
pipeline = transforms.Compose([
    transforms.RandomResizedCrop(112),
    transforms.RandomHorizontalFlip(),
    transforms.ToTensor(),
    transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
])
dataset = datasets.ImageFolder(root, pipeline)
loader = torch.utils.data.DataLoader(dataset, batch_size=32, shuffle=True, num_workers=2, persistent_workers=True,
                                     drop_last=True)
model = torchvision.models.resnet18(num_classes=len(dataset.classes))
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.05)
print(f"threads {torch.get_num_threads()}", flush=True)
done, last = 0, time.perf_counter()
while done < iters:
    for x, y in loader:
        loss = torch.nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        now = time.perf_counter()
        print(f"iter {done + 1} time {now - last:.6f}", flush=True)
        done, last = done + 1, now
        if done == iters:
            break
