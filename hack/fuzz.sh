#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz) with clang into build-fuzz/
# and runs each for SECONDS (default 30) on a copy of its seed corpus,
# JOBS of them at a time (default: the number of cores).
# Usage: [JOBS=n] hack/fuzz.sh [SECONDS] [TARGET...]   (TARGET: reference, manifest, …)
# Exits non-zero when a fuzzer crashes, leaks or times out, and prints the
# reproducer; rerun it with build-fuzz/fuzz/<target>_fuzz <reproducer>.
# The committed corpora are never written to; new inputs stay in a temp dir.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
seconds=${1:-30}
shift || true
jobs=${JOBS:-$(nproc)}

# Configured as hack/build.sh and the sanitizer build in hack/test.sh do,
# but only the fuzzers are built (crispd and the tests are not needed).
CC=${CC:-clang} CXX=${CXX:-clang++} cmake -S "$here" -B build-fuzz -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCRISP_FUZZ=ON \
  -DCRISP_BUILD_TESTS=OFF -DCRISP_INTEGRATION_TESTS=OFF >/dev/null
ninja -C build-fuzz crisp_fuzzers

targets=("$@")
if ((${#targets[@]} == 0)); then
  for dir in tests/fuzz/corpus/*/; do targets+=("$(basename "$dir")"); done
fi
for t in "${targets[@]}"; do
  [[ -x build-fuzz/fuzz/${t}_fuzz ]] || { echo "fuzz.sh: no fuzzer $t" >&2; exit 2; }
done

work=$(mktemp -d /tmp/crisp-fuzz.XXXXXX)

# Runs one target; its verdict is the file $work/$t/ok or $work/$t/failed.
run_one() {
  local t=$1 bin=build-fuzz/fuzz/${1}_fuzz
  mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
  cp -r "tests/fuzz/corpus/$t/." "$work/$t/corpus/"
  if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$work/$t/artifacts/" \
    "$work/$t/corpus" >"$work/$t/log" 2>&1; then
    touch "$work/$t/ok"
  else
    touch "$work/$t/failed"
  fi
}

echo "== ${#targets[@]} fuzzers, ${seconds}s each, $jobs at a time"
running=0
for t in "${targets[@]}"; do
  if ((running >= jobs)); then
    wait -n || true
    running=$((running - 1))
  fi
  run_one "$t" &
  running=$((running + 1))
done
wait || true

failed=()
for t in "${targets[@]}"; do
  if [[ -e $work/$t/ok ]]; then
    echo "$t: $(grep -E '^(stat::number_of_executed_units|stat::new_units_added)' \
      "$work/$t/log" | tr '\n' ' ')"
  else
    echo "== $t FAILED"
    tail -n 60 "$work/$t/log"
    for f in "$work/$t/artifacts"/*; do
      [[ -e $f ]] && echo "fuzz.sh: $t failed; reproducer: $f"
    done
    failed+=("$t")
  fi
done

if ((${#failed[@]})); then
  echo "fuzz.sh: failed: ${failed[*]} (logs and reproducers in $work)" >&2
  exit 1
fi
rm -rf "$work"
echo "fuzz.sh: ${#targets[@]} fuzzers ran clean for ${seconds}s each"
