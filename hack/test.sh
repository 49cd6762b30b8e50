#!/usr/bin/env bash
# The whole test suite, as CI runs it (README's second command):
#   1. install the Debian packages (hack/install-deps.sh);
#   2. build with g++, run the static checks (hack/lint.sh: clang-format,
#      the include order, clang-tidy on the files this branch changed), then
#      every test — unit tests, then the integration tests, which run the
#      real crispd as root against the lab registry (hack/registry.sh,
#      hack/test-images.sh) and the CNI plugins;
#   3. build with clang under ASan+UBSan and run the unit tests again;
#   4. build the fuzzers (tests/fuzz) and run each briefly (hack/fuzz.sh).
# Registries this script starts are stopped when it ends.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

if [[ $(id -u) -ne 0 ]]; then
  echo "test.sh: run as root (integration tests create namespaces, mounts, cgroups)" >&2
  exit 1
fi

bash hack/install-deps.sh

lab_started=0
cleanup() {
  if ((lab_started)); then bash hack/registry.sh stop || true; fi
}
trap cleanup EXIT
if ! bash hack/registry.sh status >/dev/null 2>&1; then
  bash hack/registry.sh start
  lab_started=1
fi
bash hack/test-images.sh

echo "== build (g++) and run all tests"
bash hack/build.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo
LINT_TIDY=changed bash hack/lint.sh build
(cd build && ctest --output-on-failure -L unit -j2 && ctest --output-on-failure -L integration)

echo "== build (clang, ASan+UBSan) and run unit tests"
CC=clang CXX=clang++ bash hack/build.sh build-sanitize \
  -DCMAKE_BUILD_TYPE=Debug -DCRISP_SANITIZE=ON -DCRISP_INTEGRATION_TESTS=OFF
(cd build-sanitize && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -L unit -j2)

echo "== build the libFuzzer harnesses (clang) and run each 30 s, two at a time"
JOBS=2 bash hack/fuzz.sh 30
echo "test.sh: all tests passed"
