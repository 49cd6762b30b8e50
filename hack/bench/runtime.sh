#!/bin/bash
# hack/bench/runtime.sh [N] [RUNTIME...]: time to create+start+wait (and
# delete) a /bin/true container, `RUNTIME run` on one busybox bundle, N
# times per runtime (default 50), interleaved in the same run so that the
# node's state is the same for all; prints the median, p10 and p90 in ms.
# RUNTIME defaults to crisp-runtime (from build-runtime/ or build/), runc
# and crun where installed. A runtime that fails on this node (crun on a
# hybrid cgroup layout) is reported as skipped with its error.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:-50}
shift || true
if [[ $# -gt 0 ]]; then
  runtimes=("$@")
else
  runtimes=()
  for b in "$here/build-runtime/bin/crisp-runtime" \
    "$here/build/bin/crisp-runtime"; do
    if [[ -x $b ]]; then runtimes+=("$b"); break; fi
  done
  for r in runc crun; do
    if command -v "$r" >/dev/null; then runtimes+=("$(command -v "$r")"); fi
  done
fi

work=$(mktemp -d /tmp/crisp-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
"$here/hack/rootfs.sh" "$work/bundle" /bin/true >/dev/null
# The oldest spec version all three know (crun 1.8 refuses "1.2.0").
sed -i 's/"ociVersion": "1.2.0"/"ociVersion": "1.0.2"/' "$work/bundle/config.json"

declare -A samples ok
for rt in "${runtimes[@]}"; do
  root="$work/root-$(basename "$rt")"
  mkdir -p "$root"
  if out=$("$rt" --root "$root" run --bundle "$work/bundle" warmup-$$ 2>&1); then
    ok[$rt]=1
  else
    echo "skipped $(basename "$rt"): $(echo "$out" | tail -1)" >&2
  fi
done

for ((i = 0; i < n; i++)); do
  for rt in "${runtimes[@]}"; do
    [[ -n ${ok[$rt]:-} ]] || continue
    root="$work/root-$(basename "$rt")"
    t0=$(date +%s%N)
    "$rt" --root "$root" run --bundle "$work/bundle" "b$i-$$" >/dev/null
    t1=$(date +%s%N)
    samples[$rt]+="$(((t1 - t0) / 1000)) "
  done
done

printf '%-16s %8s %8s %8s %6s\n' runtime median_ms p10_ms p90_ms runs
for rt in "${runtimes[@]}"; do
  [[ -n ${ok[$rt]:-} ]] || continue
  # shellcheck disable=SC2086
  printf '%s\n' ${samples[$rt]} | sort -n | awk -v name="$(basename "$rt")" '
    { v[NR] = $1 }
    END {
      med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%-16s %8.2f %8.2f %8.2f %6d\n", name, med / 1000,
        v[int(NR * 0.1) + 1] / 1000, v[int(NR * 0.9)] / 1000, NR
    }'
done
