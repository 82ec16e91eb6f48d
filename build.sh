#!/usr/bin/env bash
# Vision's two entry points (see README.md):
#   ./build.sh demo   install what is missing, build, train samples/QuickStart on Fashion-MNIST and print the test
#                     accuracy and where the report and checkpoints are
#   ./build.sh test   install what is missing, build, run the whole test suite
# Debian packages are installed only when missing: as root directly, else with sudo, else the exact
# apt-get command is printed and the script stops.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# What building the native shim needs (libtorch, OpenCV, libjpeg and Gloo headers — Gloo for c10d distributed training — and a C++ toolchain), and OpenBLAS: Debian's
# libtorch does its matrix products (Linear, attention) through libblas.so.3, which is the slow reference BLAS
# unless an optimised one is installed (1024x1024 sgemm on one thread: 81 GFLOP/s with OpenBLAS, 2.8 without).
BUILD_PACKAGES=(cmake make g++ libtorch-dev libopencv-dev libjpeg-dev libgloo-dev libopenblas0-pthread)
# Real data for the demo and the data tests.
DATA_PACKAGES=(dataset-fashion-mnist)
# The PyTorch reference the tests compare numerics against; scikit-learn is the t-SNE reference, SciPy labels SAM's mask regions.
REFERENCE_PACKAGES=(python3 python3-numpy python3-scipy python3-torch python3-torchvision python3-sklearn)
# The charts' font (ScottPlot and SkiaSharp draw text with DejaVu Sans), for the demo's curves and the tests.
DRAWING_PACKAGES=(fonts-dejavu-core)
# The browser the report test renders report.html in, headless.
BROWSER_PACKAGES=(chromium)

ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local cmd=(apt-get install -y --no-install-recommends "${missing[@]}")
  echo "build.sh: installing missing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    DEBIAN_FRONTEND=noninteractive "${cmd[@]}"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo DEBIAN_FRONTEND=noninteractive apt-get update -q
    sudo DEBIAN_FRONTEND=noninteractive "${cmd[@]}"
  else
    echo "build.sh: these Debian packages are missing and this user cannot install them." >&2
    echo "Run:  sudo apt-get update && sudo ${cmd[*]}" >&2
    exit 1
  fi
}

build() {
  command -v dotnet >/dev/null 2>&1 || { echo "build.sh: the .NET SDK (dotnet) is not on PATH; install .NET 10 SDK first." >&2; exit 1; }
  dotnet build Vision.sln -c Release -nologo -v quiet
}

# Runs every test project and ends with one summary line: "tests: N passed, N failed, N skipped".
run_tests() {
  local log status=0
  log=$(mktemp)
  # Category=Slow holds long measurements (t-SNE of 10,000 points against scikit-learn); run them with
  # dotnet test Vision.sln -c Release --no-build --filter Category=Slow
  dotnet test Vision.sln -c Release --no-build -nologo --filter "Category!=Slow" 2>&1 | tee "$log" || status=$?
  awk '/(Passed|Failed)! +- +Failed: /{
         for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1)); if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
       } END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
  rm -f "$log"
  return $status
}

case "${1:-}" in
  demo)
    ensure_packages "${BUILD_PACKAGES[@]}" "${DATA_PACKAGES[@]}" "${DRAWING_PACKAGES[@]}"
    build
    dotnet run --project samples/QuickStart -c Release --no-build -- --work-dir work_dirs/quickstart
    ;;
  test)
    ensure_packages "${BUILD_PACKAGES[@]}" "${DATA_PACKAGES[@]}" "${REFERENCE_PACKAGES[@]}" "${DRAWING_PACKAGES[@]}" "${BROWSER_PACKAGES[@]}"
    build
    run_tests
    ;;
  *)
    echo "usage: ./build.sh demo | test" >&2
    exit 2
    ;;
esac
