#!/usr/bin/env bash
# Evolution vs random search vs the base config on a Fashion-MNIST subset with a fixed budget, 3 seeds each.
# usage: benchmarks/evolve/run_evolve_benchmark.sh [GENERATIONS] [EPOCHS]   (from the repository root, after a Release build;
# VISION_CLI=path/to/Vision.Cli.dll runs a copy of the tool, so rebuilding meanwhile does not change it)
# Every candidate trains ResNet-18 for EPOCHS epochs on 1,000 images and is scored on 1,000 held-out images. Seed s
# sets both the evolution seed and trainer.seed, so generation 0 of every search with seed s is the base config.
# The best config of each search (and the base) is then trained again with an unseen trainer seed (s + 100) under
# the same budget, which removes the best-of-N selection bias from the comparison. Early stopping: run_median_benchmark.sh.
set -euo pipefail
generations=${1:-10}
epochs=${2:-2}
out=work_dirs/evolve-bench
config=benchmarks/evolve/resnet18_fashion-mnist-subset.json
vision=(dotnet "${VISION_CLI:-src/Vision.Cli/bin/Release/net10.0/Vision.Cli.dll}")
[ -d work_dirs/fashion-mnist-subset ] || /usr/bin/python3 benchmarks/evolve/make_subset.py work_dirs/fashion-mnist-subset 100 100
mkdir -p "$out"
run() { # name seed extra-args...
  local name=$1 seed=$2; shift 2
  "${vision[@]}" evolve "$config" --generations "$generations" --epochs "$epochs" --seed "$seed" --set trainer:seed="$seed" \
    --work-dir "$out/${name}_s$seed" --resume "$@" > "$out/${name}_s$seed.log" 2>&1
}
rerun() { # name seed: the search's best config, one candidate with trainer seed s + 100
  local name=$1 seed=$2
  "${vision[@]}" evolve "$out/${name}_s$seed/best_config.json" --generations 1 --epochs "$epochs" --set trainer:seed=$((seed + 100)) \
    --work-dir "$out/${name}_s$seed/heldout" --resume > "$out/${name}_s$seed.heldout.log" 2>&1
}
for seed in 0 1 2; do
  start=$(date +%s); run evolve $seed; echo "evolve seed $seed: $(( $(date +%s) - start )) s" | tee -a "$out/times.txt"
  start=$(date +%s); run random $seed --strategy random; echo "random seed $seed: $(( $(date +%s) - start )) s" | tee -a "$out/times.txt"
done
for seed in 0 1 2; do
  for name in evolve random; do rerun $name $seed; done
  # The base config with the unseen seed is generation 0 of a one-generation evolution of the config itself.
  "${vision[@]}" evolve "$config" --generations 1 --epochs "$epochs" --set trainer:seed=$((seed + 100)) \
    --work-dir "$out/base_s$seed/heldout" --resume > "$out/base_s$seed.heldout.log" 2>&1
done
/usr/bin/python3 benchmarks/evolve/summarize.py "$out" | tee "$out/summary.md"
