#!/usr/bin/env bash
# Inference throughput: `vision infer` over the photo-like JPEG folder (resnet18 at 112 px, batch 32, default threads)
# against infer_folder.py (torchvision, eval + no_grad, same preprocessing), alternating sides.
#   benchmarks/end_to_end/run_infer.sh [RUNS]      (after a Release build)
# Vision's images/s exclude process start, model creation and weight loading: (N - 1) / (time for N images - time
# for 1 image). The PyTorch script times its loop from inside.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
runs=${1:-3}
data=/tmp/e2e-jpegs
[ -d "$data" ] || /usr/bin/python3 benchmarks/end_to_end/make_photo_jpegs.py "$data" 10 64
vision=(dotnet src/Vision.Cli/bin/Release/net10.0/Vision.Cli.dll)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"${vision[@]}" train benchmarks/end_to_end/resnet18_folder.json --set trainer:max_iters=1 \
  --set "train_dataloader:dataset:root=$data" --work-dir "$work" > /dev/null
checkpoint=$(ls -d "$work"/checkpoints/iter_1)
count=$(find "$data" -name '*.jpg' | wc -l)
one=$(find "$data" -name '*.jpg' | sort | head -1)
infer() { "${vision[@]}" infer "$@" --model resnet18 --num-classes 10 --img-size 112 --batch-size 32 --checkpoint "$checkpoint" --json "$work/out.json" > /dev/null; }
seconds() { local start end; start=$(date +%s.%N); "$@"; end=$(date +%s.%N); echo "$end - $start" | bc -l; }
for run in $(seq "$runs"); do
  all=$(seconds infer "$data")
  single=$(seconds infer "$one")
  printf 'run %d  Vision   %s images, %.1f images/s\n' "$run" "$count" "$(echo "($count - 1) / ($all - $single)" | bc -l)"
  echo "run $run  $(/usr/bin/python3 benchmarks/end_to_end/infer_folder.py "$data")"
done
