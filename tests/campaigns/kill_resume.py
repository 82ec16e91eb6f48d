#!/usr/bin/env python3
"""Kill -9 campaign: `vision train` killed at random moments and resumed with `--resume auto` must end exactly as an
uninterrupted run: bit-identical final weights (model and EMA), the same validation history (each validation logged
once), the same best checkpoint and the same final metrics.

    /usr/bin/python3 tests/campaigns/kill_resume.py [--trials 5] [--seed 0] [--vision "dotnet src/Vision.Cli/bin/Release/net10.0/Vision.Cli.dll"]

Run it after `./build.sh test` (it uses the built CLI). It makes its own data (coloured squares, 3 classes), a config
with validation every epoch, save_best, EMA and recovery checkpoints every 2 iterations, and prints each kill's
moment (what the run was doing: training, validation or writing a checkpoint) and the comparison.
"""
import argparse, csv, json, os, random, shlex, signal, struct, subprocess, sys, tempfile, time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]


def make_data(root: Path):
    rng = np.random.default_rng(0)
    for split, count in (("train", 24), ("val", 9)):
        for label in range(3):
            folder = root / "data" / split / f"class{label}"
            folder.mkdir(parents=True, exist_ok=True)
            for n in range(count):
                image = np.full((16, 16, 3), 40, np.uint8)
                image[..., label] = 200
                image = np.clip(image.astype(int) + rng.integers(-30, 31, image.shape), 0, 255).astype(np.uint8)
                # Binary PPM: no imaging library needed, and Vision decodes it like any image file.
                (folder / f"{n}.ppm").write_bytes(b"P6 16 16 255\n" + image.tobytes())


def write_config(root: Path) -> Path:
    config = {
        "model": {"type": "resnet18", "img_size": 16},
        "train_dataloader": {"batch_size": 8, "shuffle": True, "num_workers": 1, "dataset": {"type": "ImageFolder", "root": str(root / "data/train")},
                             "pipeline": [{"type": "RandomFlip", "probability": 0.5}]},
        "val_dataloader": {"batch_size": 9, "dataset": {"type": "ImageFolder", "root": str(root / "data/val")}},
        "optim_wrapper": {"optimizer": {"type": "SGD", "lr": 0.05, "momentum": 0.9}},
        "param_scheduler": [{"type": "CosineAnnealingLR", "T_max": 36, "by_epoch": False}],
        "val_evaluator": [{"type": "Accuracy"}, {"type": "LossEvaluator"}],
        "custom_hooks": [{"type": "EMAHook", "decay": 0.9}],
        "trainer": {"max_epochs": 4, "seed": 3, "progress_bar": False, "num_threads": 1, "log_interval": 1,
                    "data_preprocessor": {"mean": [127.5], "std": [127.5]},
                    "checkpoint": {"save_best": "loss", "rule": "less", "recovery_interval": 2, "max_keep_ckpts": 1}},
    }
    path = root / "run.json"
    path.write_text(json.dumps(config, indent=1))
    return path


def read_safetensors(path: Path) -> dict:
    data = path.read_bytes()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    return {k: body[v["data_offsets"][0]:v["data_offsets"][1]] for k, v in header.items() if k != "__metadata__"}


def outcome(work: Path) -> dict:
    checkpoints = work / "checkpoints"
    latest = checkpoints / (checkpoints / "latest").read_text().strip()
    tensors = read_safetensors(latest / "tensors.safetensors")
    state = json.loads((latest / "state.json").read_text())
    with open(work / "logs" / "scalars.csv") as f:
        rows = list(csv.DictReader(f))
    validations = [(r["epoch"], r["iter"], r["name"], r["value"]) for r in rows if r["mode"] == "val"]
    train_keys = [(r["iter"], r["name"]) for r in rows if r["mode"] == "train"]
    best = sorted(p.name for p in checkpoints.iterdir() if p.name.startswith("best_"))
    return {
        "weights": {k: v for k, v in tensors.items() if k.startswith("model.") or k.startswith("ema.")},
        "validations": validations,
        "train_rows_unique": len(train_keys) == len(set(train_keys)),
        "best": best,
        "metrics": state.get("Metrics") or state.get("metrics"),
        "iter": state.get("Iter") or state.get("iter"),
    }


def phase(log: str) -> str:
    lines = [l for l in log.splitlines() if l.strip()]
    last = lines[-1] if lines else ""
    if "Saved checkpoint" in last or "Saving" in last:
        return "after checkpoint write"
    if "(val)" in last or "validation evaluates" in last:
        return "validation"
    if "Resumed" in last or not lines:
        return "start-up"
    return "training"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--vision", default=f"dotnet {ROOT}/src/Vision.Cli/bin/Release/net10.0/Vision.Cli.dll")
    args = parser.parse_args()
    vision = shlex.split(args.vision)
    rng = random.Random(args.seed)
    root = Path(tempfile.mkdtemp(prefix="vision-kill-"))
    make_data(root)
    config = write_config(root)

    started = time.time()
    subprocess.run(vision + ["train", str(config), "--work-dir", str(root / "straight")], check=True, capture_output=True, text=True)
    duration = time.time() - started
    expected = outcome(root / "straight")
    print(f"uninterrupted run: {duration:.1f} s, {len(expected['validations'])} validation values, best {expected['best']}")

    kills, failures, phases = 0, 0, {}
    for trial in range(args.trials):
        work = root / f"trial{trial}"
        resume = []
        while True:
            log = work.parent / f"trial{trial}.log"
            with open(log, "w") as out:
                process = subprocess.Popen(vision + ["train", str(config), "--work-dir", str(work)] + resume, stdout=out, stderr=subprocess.STDOUT)
                delay = rng.uniform(0.5, duration)
                try:
                    code = process.wait(timeout=delay)
                except subprocess.TimeoutExpired:
                    process.send_signal(signal.SIGKILL)
                    process.wait()
                    kills += 1
                    where = phase(log.read_text())
                    phases[where] = phases.get(where, 0) + 1
                    print(f"  trial {trial}: kill -9 after {delay:.1f} s ({where})")
                    resume = ["--resume", "auto"]
                    continue
            if code != 0:
                print(log.read_text()[-2000:])
                raise SystemExit(f"trial {trial}: vision train exited with {code}")
            break
        got = outcome(work)
        same = {key: got[key] == expected[key] for key in ("weights", "validations", "best", "metrics", "iter")}
        ok = all(same.values()) and got["train_rows_unique"]
        failures += not ok
        print(f"trial {trial}: {'identical' if ok else 'DIFFERENT'} {same} train rows logged once: {got['train_rows_unique']}")
    print(f"{kills} kills in {args.trials} trials ({', '.join(f'{v} {k}' for k, v in sorted(phases.items()))}); "
          f"{args.trials - failures} of {args.trials} trials ended identical to the uninterrupted run")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
