#!/usr/bin/env bash
# Data-parallel scaling, Vision vs PyTorch in one run: resnet18 at 64 px, global batch 32, 1 process x 1 thread
# against 2 ranks x 1 thread (DDP over Gloo on loopback), alternating sides.
#   benchmarks/run_ddp.sh [RUNS] [STEPS]      (after a Release build of the solution)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=${1:-2}
steps=${2:-20}
vision=(dotnet src/Vision.Cli/bin/Release/net10.0/Vision.Cli.dll)
bench=benchmarks/Vision.Ddp/bin/Release/net10.0/Vision.Ddp.dll
[ -f "$bench" ] || dotnet build benchmarks/Vision.Ddp -c Release -nologo -v quiet >&2
export OMP_NUM_THREADS=1
port=29611
for run in $(seq "$runs"); do
  dotnet "$bench" 32 64 "$steps"
  "${vision[@]}" launch --nproc-per-node 2 --master-port $((port++)) -- dotnet "$bench" 32 64 "$steps" | grep 'images/s'
  /usr/bin/python3 benchmarks/pytorch/ddp_step.py 32 64 "$steps"
  p=$((port++))
  for rank in 0 1; do
    MASTER_ADDR=127.0.0.1 MASTER_PORT=$p RANK=$rank WORLD_SIZE=2 /usr/bin/python3 benchmarks/pytorch/ddp_step.py 32 64 "$steps" &
  done
  wait
done
