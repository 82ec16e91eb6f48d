#!/usr/bin/env bash
# End-to-end training throughput, what a user feels with default settings: `vision train` on a class-per-folder JPEG
# set (resnet18_folder.json) against the equivalent PyTorch script (train_folder.py), alternating sides.
#   benchmarks/end_to_end/run.sh [RUNS] [ITERS]      (after ./build.sh test or a Release build)
# Prints, per run: images/s over the iterations after the first 10 (per-iteration wall time, data wait included) and
# the peak RSS of the whole process tree (trainer plus loader workers), sampled every 0.1 s. Extra arguments for the
# Vision side can be given in VISION_ARGS (e.g. VISION_ARGS="--threads 1" shows the one-thread default of before).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
runs=${1:-3}
iters=${2:-60}
data=/tmp/e2e-jpegs
[ -d "$data" ] || /usr/bin/python3 benchmarks/end_to_end/make_photo_jpegs.py "$data" 10 64
warmup=10

# Runs "$@" in the background and prints the peak of the summed RSS (MiB) of it and all its descendants.
peak_rss() {
  "$@" > /tmp/e2e-out.txt 2>&1 &
  local pid=$! peak=0 total
  while kill -0 "$pid" 2>/dev/null; do
    total=$(ps -o rss= --pid "$pid" --ppid "$pid" 2>/dev/null | awk '{s += $1} END {print s + 0}')
    local kids
    kids=$(pgrep -P "$pid" | tr '\n' ',' | sed 's/,$//')
    [ -n "$kids" ] && total=$((total + $(ps -o rss= --ppid "$kids" 2>/dev/null | awk '{s += $1} END {print s + 0}')))
    [ "$total" -gt "$peak" ] && peak=$total
    sleep 0.1
  done
  wait "$pid"
  echo $((peak / 1024))
}

images_per_second() {  # reads "time" values, one per iteration, on stdin
  awk -v w="$warmup" '{ n++; if (n > w) { t += $1; k++ } } END { printf "%.1f", 32 * k / t }'
}

for run in $(seq "$runs"); do
  work=$(mktemp -d)
  rss=$(peak_rss dotnet src/Vision.Cli/bin/Release/net10.0/Vision.Cli.dll train benchmarks/end_to_end/resnet18_folder.json \
    --set "trainer:max_iters=$iters" --set "train_dataloader:dataset:root=$data" --work-dir "$work" ${VISION_ARGS:-})
  threads=$(grep -o 'Intra-op threads: [0-9]*' /tmp/e2e-out.txt | head -1)
  speed=$(grep -h '"mode":"train"' "$work/logs/scalars.jsonl" | sed 's/.*,"time":\([0-9.eE+-]*\).*/\1/' | images_per_second)
  echo "run $run  Vision   $speed images/s  peak RSS $rss MiB  ($threads)"
  rm -rf "$work"
  rss=$(peak_rss /usr/bin/python3 benchmarks/end_to_end/train_folder.py "$data" "$iters")
  speed=$(grep '^iter ' /tmp/e2e-out.txt | awk '{print $4}' | images_per_second)
  echo "run $run  PyTorch  $speed images/s  peak RSS $rss MiB  ($(grep '^threads' /tmp/e2e-out.txt))"
done
