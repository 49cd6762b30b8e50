#!/usr/bin/env bash
# Configures and builds Crisp. Usage: hack/build.sh [BUILD_DIR] [cmake args...]
# Default BUILD_DIR is build/. Uses Ninja and every core.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$here/build}
shift || true
cmake -S "$here" -B "$dir" -G Ninja "$@" >/dev/null
ninja -C "$dir"
