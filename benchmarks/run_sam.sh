#!/usr/bin/env bash
# SamPredictor vs the PyTorch transcription (benchmarks/pytorch/sam.py), side by side: set_image of a 768x1024 image
# (resize to 1024, normalise, pad, image encoder) and a single-point predict, ms per call, and peak resident memory.
#   benchmarks/run_sam.sh [--model vit_b] [--threads 2] [--repeats 3] [--rounds 2]
# Each round runs both sides in fresh processes, alternating which goes first. PYTHON picks the interpreter (default
# /usr/bin/python3), BUILD_ARGS passes extra arguments to dotnet build.
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=vit_b THREADS=2 REPEATS=3 ROUNDS=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --model) MODEL="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --repeats) REPEATS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
PYTHON="${PYTHON:-/usr/bin/python3}"
# shellcheck disable=SC2086
dotnet build benchmarks/Vision.SamBench -c Release -nologo -v quiet ${BUILD_ARGS:-} >/dev/null
VISION="dotnet benchmarks/Vision.SamBench/bin/Release/net10.0/Vision.SamBench.dll --model sam_$MODEL --threads $THREADS --repeats $REPEATS"
TORCH="$PYTHON benchmarks/pytorch/sam.py bench --model $MODEL --threads $THREADS --repeats $REPEATS"
for ((round = 0; round < ROUNDS; round++)); do
  if ((round % 2 == 0)); then $VISION; $TORCH; else $TORCH; $VISION; fi
done
