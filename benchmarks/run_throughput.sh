#!/usr/bin/env bash
# Training-step throughput, Vision vs PyTorch eager, over a matrix of models and image sizes; prints the table of
# benchmarks/README.md. Each (model, size) runs in its own process on each side, with the same batch, intra-op thread
# count, warm-up and step count; with --rounds N every case runs N times per side, alternating which side goes
# first, and the table keeps every run and the ratio of the best runs (on a shared machine the best run is the
# least disturbed one).
#
#   benchmarks/run_throughput.sh                                   # the README matrix: 4 models × 64, 224 px, batch 32, 2 threads
#   benchmarks/run_throughput.sh --models cas-vit-xs --sizes 64 --steps 1 --warmup 0 --rounds 1   # a quick check
#
# Environment: PYTHON (default /usr/bin/python3, Debian's torch on the same libtorch as Vision), BUILD_ARGS (extra
# `dotnet build` arguments, e.g. "-p:SkipNativeBuild=true -p:VisionNativeBuildDir=..."), SKIP_BUILD=1 to use the
# runner already built.
set -euo pipefail

models=resnet18,resnet50,vit-tiny-p16,cas-vit-xs
sizes=64,224
batch=32
threads=2
steps=10
warmup=2
rounds=2
csv=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --models) models=$2 ;;
        --sizes) sizes=$2 ;;
        --batch) batch=$2 ;;
        --threads) threads=$2 ;;
        --steps) steps=$2 ;;
        --warmup) warmup=$2 ;;
        --rounds) rounds=$2 ;;
        --csv) csv=$2 ;;
        *) echo "Unknown option $1; options: --models --sizes --batch --threads --steps --warmup --rounds --csv FILE" >&2; exit 2 ;;
    esac
    shift 2
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-/usr/bin/python3}
runner="$root/benchmarks/Vision.Throughput/bin/Release/net10.0/Vision.Throughput.dll"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    # BUILD_ARGS is a list of arguments: split on purpose.
    # shellcheck disable=SC2086
    dotnet build "$root/benchmarks/Vision.Throughput" -c Release --nologo -v quiet ${BUILD_ARGS:-} >&2
fi
# Both sides run Linear/matmul on whatever libblas.so.3 resolves to (Debian's libtorch has BLAS_INFO=generic): the
# netlib reference BLAS makes transformers many times slower than OpenBLAS, so say which one this run measured. A
# pthread OpenBLAS ignores torch.set_num_threads; give it the same thread count as the OpenMP pool.
blas=$(ldconfig -p | awk '/libblas\.so\.3 / { print $NF; exit }')
echo "BLAS: ${blas:+$(readlink -f "$blas")}" >&2
export OPENBLAS_NUM_THREADS=$threads
csv=${csv:-$(mktemp -t vision-throughput-XXXXXX.csv)}
echo "side,model,size,batch,threads,images_per_s,ms_per_step,cpu_ms_per_step" > "$csv"
echo "Raw results: $csv" >&2

# One case on one side: its result line (model,size,...) goes to the CSV behind the side's name.
run() {
    local side=$1 model=$2 size=$3
    local args=(--models "$model" --sizes "$size" --batch "$batch" --threads "$threads" --steps "$steps" --warmup "$warmup")
    local output
    if [[ $side == vision ]]; then
        output=$(dotnet "$runner" "${args[@]}")
    else
        output=$("$python" "$root/benchmarks/pytorch/train_step.py" "${args[@]}")
    fi
    local line
    line=$(grep "^$model,$size," <<< "$output") || { echo "No result line from $side for $model at $size px:" >&2; echo "$output" >&2; exit 1; }
    echo "$side,$line" >> "$csv"
    echo "  $side: $line" >&2
}

for ((round = 1; round <= rounds; round++)); do
    case_index=0
    for model in ${models//,/ }; do
        for size in ${sizes//,/ }; do
            echo "round $round/$rounds: $model at $size px" >&2
            # Alternate which side goes first, so neither always meets the machine in the same state.
            if (((round + case_index) % 2)); then
                run pytorch "$model" "$size"; run vision "$model" "$size"
            else
                run vision "$model" "$size"; run pytorch "$model" "$size"
            fi
            case_index=$((case_index + 1))
        done
    done
done

"$python" - "$csv" <<'EOF'
import csv
import sys

runs = {}
order = []
with open(sys.argv[1]) as f:
    for row in csv.DictReader(f):
        key = (row["model"], int(row["size"]))
        if key not in runs:
            order.append(key)
            runs[key] = {"vision": [], "pytorch": []}
        runs[key][row["side"]].append(float(row["images_per_s"]))
        batch, threads = row["batch"], row["threads"]
if not order:
    sys.exit("No results.")

print(f"\n### Results ({threads} intra-op thread(s), batch {batch})\n")
print("| model | size | Vision images/s | PyTorch images/s | Vision / PyTorch (best runs) |")
print("|---|---|---|---|---|")
for model, size in order:
    v, p = runs[(model, size)]["vision"], runs[(model, size)]["pytorch"]
    cell = lambda xs: f"**{max(xs):.1f}** ({', '.join(f'{x:.1f}' for x in xs)})"
    print(f"| {model} | {size} | {cell(v)} | {cell(p)} | {max(v) / max(p):.2f} |")
EOF
