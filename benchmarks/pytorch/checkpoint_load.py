"""Times torch.load on a torch.save checkpoint, the counterpart of Vision.CheckpointLoad.

    python3 benchmarks/pytorch/checkpoint_load.py --file vit_b_16.pth [--runs 5] [--make]

--make first writes torchvision's ViT-B/16 state dict (86.6 M float32 parameters, about 346 MB) to --file.
Prints one CSV line per run: side, run, wall milliseconds, MB/s, process CPU milliseconds, growth of RssAnon while
the result is alive (MB), tensors.
"""
import argparse
import os
import time

import torch
import torchvision


def rss_anon_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) / 1000
    raise RuntimeError("no RssAnon in /proc/self/status")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--file", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--make", action="store_true")
    parser.add_argument("--weights-only", action="store_true", help="torch.load(weights_only=True), the safe mode Vision's reader matches")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.make:
        torch.manual_seed(0)
        torch.save(torchvision.models.vit_b_16().state_dict(), args.file)
    mb = os.path.getsize(args.file) / 1e6
    # Warm-up on a small file, as Vision.CheckpointLoad does.
    warm_up = f"/tmp/torch-warm-up-{os.getpid()}.pth"
    torch.save({"w": torch.ones(4, 4), "b": torch.ones(4)}, warm_up)
    torch.load(warm_up, weights_only=args.weights_only)
    os.remove(warm_up)
    side = "torch_weights_only" if args.weights_only else "torch"
    for run in range(args.runs):
        before = rss_anon_mb()
        cpu = time.process_time()
        start = time.perf_counter()
        sd = torch.load(args.file, map_location="cpu", weights_only=args.weights_only)
        ms = (time.perf_counter() - start) * 1000
        cpu_ms = (time.process_time() - cpu) * 1000
        held = rss_anon_mb() - before
        print(f"{side},{run},{ms:.1f},{mb / ms * 1000:.0f},{cpu_ms:.0f},{held:.0f},{len(sd)}", flush=True)
        del sd


if __name__ == "__main__":
    main()
