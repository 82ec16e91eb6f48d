#!/usr/bin/env bash
# Early stopping: the same evolution with and without the median stopping rule, on the benchmark subset with a base
# lr that learns within the budget (0.02), 32 iterations per candidate validated every 8 (4 points on each curve).
# usage: benchmarks/evolve/run_median_benchmark.sh [GENERATIONS] [SEED]   (from the repository root, after a Release build)
set -euo pipefail
generations=${1:-10}
seed=${2:-0}
out=work_dirs/evolve-bench
vision=(dotnet "${VISION_CLI:-src/Vision.Cli/bin/Release/net10.0/Vision.Cli.dll}")
[ -d work_dirs/fashion-mnist-subset ] || /usr/bin/python3 benchmarks/evolve/make_subset.py work_dirs/fashion-mnist-subset 100 100
mkdir -p "$out"
for rule in none median; do
  setting=none
  [ "$rule" = median ] && setting='{"type":"median","min_trials":3,"grace":1}'
  start=$(date +%s)
  "${vision[@]}" evolve benchmarks/evolve/resnet18_fashion-mnist-subset.json --generations "$generations" --iters 32 --seed "$seed" \
    --set trainer:seed="$seed" --set optim_wrapper:optimizer:lr=0.02 --set trainer:val_interval=8 \
    --set "evolve:early_stopping=$setting" \
    --work-dir "$out/stop-${rule}_s$seed" --resume > "$out/stop-${rule}_s$seed.log" 2>&1
  echo "early stopping $rule seed $seed: $(( $(date +%s) - start )) s" | tee -a "$out/times.txt"
done
