"""Training-step throughput (forward + backward + AdamW) of torchvision models in PyTorch eager mode.

The counterpart of benchmarks/Vision.Throughput, with the same options and output:
    python3 benchmarks/pytorch/train_step.py --models resnet18,resnet50 --sizes 64,224 --batch 32 --threads 2 --steps 10
Model names are torchvision's (resnet18, vit_b_16, ...; dashes read as underscores), plus Vision's vit-tiny-p16 and
vit-small-p16 (torchvision VisionTransformers of those sizes) and cas-vit-xs/s/m/t (casvit.py beside this script, a
transcription of the official RCViT that tests/Vision.Models.Transformers.Tests checks against Vision's CasViT).
"""
import argparse
import os
import sys
import time

import torch
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import casvit  # noqa: E402  (found through the path set just above)


# Vision registry names whose architecture torchvision builds under other settings: (depth, heads, width, mlp).
VIT = {"vit-tiny-p16": (12, 3, 192, 768), "vit-small-p16": (12, 6, 384, 1536)}


def build(name, size, classes):
    """A torchvision model by name; Vision's vit-tiny/small-p16 and cas-vit-* as Vision's registry builds them."""
    if name.startswith("cas-vit-"):
        # Vision's registry defaults: no distillation head, no drop path (ModelOptions.DropPathRate is 0).
        return casvit.create(name[len("cas-vit-"):], num_classes=classes, distillation=False, drop_path_rate=0.0)
    if name in VIT:
        depth, heads, width, mlp = VIT[name]
        return torchvision.models.VisionTransformer(image_size=size, patch_size=16, num_layers=depth, num_heads=heads,
                                                    hidden_dim=width, mlp_dim=mlp, num_classes=classes)
    return getattr(torchvision.models, name.replace("-", "_"))(num_classes=classes)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", default="resnet18,resnet50")
    parser.add_argument("--sizes", default="64")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--classes", type=int, default=1000)
    args = parser.parse_args()

    # Set explicitly on both sides: PyTorch would otherwise use every core, libtorch from .NET starts with one.
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    print(f"PyTorch {torch.__version__}: batch {args.batch}, {args.threads} intra-op thread(s), "
          f"{args.warmup} warm-up + {args.steps} timed steps")
    print("model,size,batch,threads,images_per_s,ms_per_step,cpu_ms_per_step")
    for name in args.models.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            model = build(name, size, args.classes)
            model.train()
            optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01, foreach=True)
            images = torch.randn(args.batch, 3, size, size)
            labels = torch.randint(0, args.classes, (args.batch,))

            def step():
                optimizer.zero_grad(set_to_none=True)
                F.cross_entropy(model(images), labels).backward()
                optimizer.step()

            for _ in range(args.warmup):
                step()
            # Process CPU time as well as wall time: on a shared machine it is the steadier of the two.
            cpu_start, start = time.process_time(), time.perf_counter()
            for _ in range(args.steps):
                step()
            seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
            print(f"{name},{size},{args.batch},{args.threads},{args.batch * args.steps / seconds:.1f},"
                  f"{1000 * seconds / args.steps:.0f},{1000 * cpu_seconds / args.steps:.0f}")


if __name__ == "__main__":
    main()
