#!/usr/bin/env bash
# Loading a ViT-B/16 torch.save checkpoint (346 MB): Vision's TorchCheckpoint.Load vs torch.load, side by side.
#   benchmarks/run_checkpoint_load.sh [--file PATH] [--rounds 5] [--runs 2]
# Writes torchvision's vit_b_16 state dict to PATH when it does not exist, then alternates the two sides --rounds
# times (each a fresh process that warms up on a small file, then does --runs loads) and prints every CSV line
# (side,run,wall ms,MB/s,CPU ms,RssAnon growth MB,tensors) followed by each side's medians over the first load of
# each process, the one that gets fresh memory from the system as a program's single load does.
# PYTHON picks the interpreter (default /usr/bin/python3), BUILD_ARGS passes extra arguments to dotnet build.
set -euo pipefail
cd "$(dirname "$0")/.."
FILE=/tmp/vision-bench-vit_b_16.pth ROUNDS=5 RUNS=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --file) FILE="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
PYTHON="${PYTHON:-/usr/bin/python3}"
[[ -f "$FILE" ]] || "$PYTHON" benchmarks/pytorch/checkpoint_load.py --file "$FILE" --make --runs 0
# shellcheck disable=SC2086
dotnet build benchmarks/Vision.CheckpointLoad -c Release -nologo -v quiet ${BUILD_ARGS:-} >/dev/null
VISION="dotnet benchmarks/Vision.CheckpointLoad/bin/Release/net10.0/Vision.CheckpointLoad.dll --file $FILE --runs $RUNS"
TORCH="$PYTHON benchmarks/pytorch/checkpoint_load.py --file $FILE --runs $RUNS"
CSV=$(mktemp)
for ((round = 0; round < ROUNDS; round++)); do
  if ((round % 2 == 0)); then
    $VISION >>"$CSV"; $TORCH >>"$CSV"; $TORCH --weights-only >>"$CSV"
  else
    $TORCH --weights-only >>"$CSV"; $TORCH >>"$CSV"; $VISION >>"$CSV"
  fi
done
cat "$CSV"
echo "side,median wall ms,median CPU ms,median RssAnon growth MB (first load of each process)"
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for side in vision torch torch_weights_only; do
  wall=$(awk -F, -v s="$side" '$1 == s && $2 == 0 { print $3 }' "$CSV" | median)
  cpu=$(awk -F, -v s="$side" '$1 == s && $2 == 0 { print $5 }' "$CSV" | median)
  held=$(awk -F, -v s="$side" '$1 == s && $2 == 0 { print $6 }' "$CSV" | median)
  echo "$side,$wall,$cpu,$held"
done
rm -f "$CSV"
