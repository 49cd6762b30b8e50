#!/usr/bin/env bash
# clang-format check and clang-tidy over Crisp's sources, using the
# compile_commands.json of BUILD_DIR (default build/). Exit 1 on findings.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$here/build}
cd "$here"
mapfile -t sources < <(git ls-files '*.cc' '*.h' | grep -v '^tests/')
clang-format --dry-run --Werror "${sources[@]}"
mapfile -t units < <(printf '%s\n' "${sources[@]}" | grep '\.cc$')
clang-tidy -p "$dir" --quiet "${units[@]}" 2>/dev/null | tee /tmp/crisp-tidy.log
! grep -q "warning:\|error:" /tmp/crisp-tidy.log
