#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz) with clang into build-fuzz/
# and runs each for SECONDS (default 30) on a copy of its seed corpus.
# Usage: hack/fuzz.sh [SECONDS] [TARGET...]   (TARGET: reference, manifest, …)
# Exits non-zero when a fuzzer crashes, leaks or times out, and prints the
# reproducer; rerun it with build-fuzz/fuzz/<target>_fuzz <reproducer>.
# The committed corpora are never written to; new inputs stay in a temp dir.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
seconds=${1:-30}
shift || true

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

work=$(mktemp -d /tmp/crisp-fuzz.XXXXXX)
failed=()
for t in "${targets[@]}"; do
  bin=build-fuzz/fuzz/${t}_fuzz
  [[ -x $bin ]] || { echo "fuzz.sh: no fuzzer $t" >&2; exit 2; }
  mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
  cp -r "tests/fuzz/corpus/$t/." "$work/$t/corpus/"
  echo "== $t: ${seconds}s"
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$work/$t/artifacts/" \
    "$work/$t/corpus" >"$work/$t/log" 2>&1; then
    tail -n 60 "$work/$t/log"
    for f in "$work/$t/artifacts"/*; do
      [[ -e $f ]] && echo "fuzz.sh: $t failed; reproducer: $f"
    done
    failed+=("$t")
  else
    grep -E '^(stat::number_of_executed_units|stat::new_units_added)' \
      "$work/$t/log" | tr '\n' ' '
    echo
  fi
done

if ((${#failed[@]})); then
  echo "fuzz.sh: failed: ${failed[*]} (logs and reproducers in $work)" >&2
  exit 1
fi
rm -rf "$work"
echo "fuzz.sh: ${#targets[@]} fuzzers ran clean for ${seconds}s each"
