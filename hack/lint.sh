#!/usr/bin/env bash
# The static checks; each finding fails (non-zero exit):
#   1. clang-format --dry-run --Werror over every tracked C++ file;
#   2. hack/check-includes.sh: the module order of DESIGN.md;
#   3. clang-tidy over Crisp's own .cc files (not tests/: gtest macros are
#      out of scope), with the compile_commands.json of BUILD_DIR (default
#      build/, configured, cri-api generated), JOBS at a time (default 2).
#      .clang-tidy makes every enabled check an error.
# LINT_TIDY=changed (what hack/test.sh sets) gives clang-tidy only the .cc
# files that differ from LINT_BASE (default: the merge base with main, or
# the commit before when HEAD is on main), and the .cc beside each changed
# header. Why: clang-tidy costs ~5 s of CPU per file (parsing gRPC and absl
# headers), so the whole tree (~180 files) takes ~8 minutes on two idle
# cores, more than the rest of the static checks together; a function only
# grows where its file changes. With no base to compare against, every file
# is checked. LINT_TIDY=all (the default) checks every file.
# Usage: hack/lint.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dir=$(realpath -m "${1:-$here/build}")
jobs=${JOBS:-2}
cd "$here"

echo "== clang-format"
git ls-files -z '*.cc' '*.h' '*.inc' | xargs -0 clang-format --dry-run --Werror

echo "== check-includes"
bash hack/check-includes.sh

# The merge base with main, or HEAD~1 on main itself; empty when unknown.
tidy_base() {
  local base=${LINT_BASE:-}
  if [[ -z $base ]]; then
    for ref in main origin/main; do
      base=$(git merge-base HEAD "$ref" 2>/dev/null) && break
    done
  fi
  if [[ -n $base && $(git rev-parse "$base") == $(git rev-parse HEAD) ]]; then
    base=$(git rev-parse -q --verify HEAD~1 || true)
  fi
  echo "$base"
}

mapfile -t units < <(git ls-files '*.cc' ':!:tests/' ':!:hack/')
if [[ ${LINT_TIDY:-all} == changed && -n $(tidy_base) ]]; then
  base=$(tidy_base)
  mapfile -t changed < <(git diff --name-only --diff-filter=d "$base" -- \
    '*.cc' '*.h' ':!:tests/' ':!:hack/' | sed 's/\.h$/.cc/' | sort -u)
  mapfile -t units < <(comm -12 <(printf '%s\n' "${units[@]}" | sort) \
    <(printf '%s\n' "${changed[@]}"))
  echo "== clang-tidy (-j$jobs) on ${#units[@]} file(s) changed since $base"
else
  echo "== clang-tidy (-j$jobs) on all ${#units[@]} files"
fi
((${#units[@]})) || exit 0
if [[ ! -f $dir/compile_commands.json ]]; then
  echo "lint: no $dir/compile_commands.json; configure first (hack/build.sh)" >&2
  exit 1
fi
# clang-tidy counts the warnings it suppresses in system headers on stderr,
# one line per file: drop those lines, keep everything else.
printf '%s\0' "${units[@]}" |
  xargs -0 -n 4 -P "$jobs" clang-tidy -p "$dir" --quiet \
    2> >(grep -vE '^[0-9]+ (warning|error)s? (and [0-9]+ errors? )?generated\.$' >&2)
