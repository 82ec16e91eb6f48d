#!/usr/bin/env bash
# End-to-end training throughput, what a user feels with default settings: `vision train` on a class-per-folder JPEG
# set (resnet18_folder.json) against the equivalent PyTorch script (train_folder.py), alternating sides.
#   benchmarks/end_to_end/run.sh [RUNS] [ITERS]      (after ./build.sh test or a Release build)
# Prints, per run: images/s over the iterations after the first 10 (per-iteration wall time, data wait included) and
# the peak RSS of the whole process tree (trainer plus loader workers), sampled every 0.1 s. Extra arguments for the
# Vision side can be given in VISION_ARGS (e.g. VISION_ARGS="--threads 1" shows the one-thread default of before), and
# environment settings for the PyTorch side in PYTORCH_ENV (e.g. PYTORCH_ENV="OMP_NUM_THREADS=2" matches the threads).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
runs=${1:-3}
iters=${2:-60}
data=/tmp/e2e-jpegs
[ -d "$data" ] || /usr/bin/python3 benchmarks/end_to_end/make_photo_jpegs.py "$data" 10 64
warmup=10

# Runs "$@" in the background and prints the peak of the summed RSS (MiB) of it and all its descendants. One `ps` of
# all processes every 0.25 s: sampling costs a few ms of CPU each time, which a 2-core machine running 4 busy threads
# feels (a sampler of two `ps` calls every 0.1 s took 10-15 % off the measured throughput).
peak_rss() {
  "$@" > /tmp/e2e-out.txt 2>&1 &
  local pid=$! peak=0 total
  while kill -0 "$pid" 2>/dev/null; do
    total=$(ps -e -o pid=,ppid=,rss= | awk -v root="$pid" '
      { parent[$1] = $2; rss[$1] = $3 }
      END { for (p in parent) { q = p; while (q != "" && q != root && q in parent && q != 1) q = parent[q]; if (q == root) s += rss[p] } print s + 0 }')
    [ "$total" -gt "$peak" ] && peak=$total
    sleep 0.25
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
  rss=$(peak_rss env ${PYTORCH_ENV:-} /usr/bin/python3 benchmarks/end_to_end/train_folder.py "$data" "$iters")
  speed=$(grep '^iter ' /tmp/e2e-out.txt | awk '{print $4}' | images_per_second)
  echo "run $run  PyTorch  $speed images/s  peak RSS $rss MiB  ($(grep '^threads' /tmp/e2e-out.txt))"
done
