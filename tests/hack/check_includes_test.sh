#!/usr/bin/env bash
# hack/check-includes.sh on small trees in a temp dir: a tree that keeps the
# rules passes; each broken rule alone fails and names its file:line.
# Usage: check_includes_test.sh /path/to/hack/check-includes.sh
set -euo pipefail
check=$(realpath "${1:?usage: $0 /path/to/check-includes.sh}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# A tree where every module includes only what the table allows.
good_tree() {
  rm -rf "$work/tree"
  mkdir -p "$work/tree"/{common/store,runtime,image,cni,sandbox,containers} \
    "$work/tree"/{streaming,server,tests/unit,hack}
  cd "$work/tree"
  printf '#include <string>\n' >common/status.h
  printf '#include <sqlite3.h>\n#include "common/status.h"\n' \
    >common/store/database.cc
  printf '#include "common/status.h"\n' >runtime/state.h
  printf '#include "common/store/database.h"\n' >image/image_store.cc
  printf '#include "common/status.h"\n' >cni/network.h
  printf '#include "cni/network.h"\n#include "runtime/linux/state.h"\n' \
    >sandbox/pod.cc
  printf '#include "image/image_store.h"\n#include "sandbox/pod.h"\n' \
    >containers/container.cc
  printf '#include "common/status.h"\n' >streaming/session.cc
  printf '%s\n' '#include "cri-api/api.pb.h"' '#include <grpcpp/grpcpp.h>' \
    '#include "containers/container.h"' '#include "streaming/session.h"' \
    >server/service.cc
  printf '%s\n' '#include <sqlite3.h>' '#include "server/service.h"' \
    >tests/unit/anything_test.cc
  printf '#include "server/service.h"\n' >hack/tool.cc
}

# expect_pass NAME: the check passes on the tree as it is.
expect_pass() {
  if ! out=$(bash "$check" "$work/tree" 2>&1); then
    echo "FAIL $1: expected a pass, got: $out"
    failures=$((failures + 1))
  fi
}

# expect_fail NAME FILE TEXT: with TEXT as line 2 of FILE, the check fails
# and names FILE:2.
expect_fail() {
  good_tree
  printf '// line 1\n%s\n' "$3" >>"$work/tree/$2"
  local line
  line=$(wc -l <"$work/tree/$2")
  if out=$(bash "$check" "$work/tree" 2>&1); then
    echo "FAIL $1: expected a failure for $2"
    failures=$((failures + 1))
  elif [[ $out != *"$2:$line: "* ]]; then
    echo "FAIL $1: expected $2:$line in: $out"
    failures=$((failures + 1))
  fi
}

good_tree
expect_pass "a tree that keeps the rules"

expect_fail "upward include" common/status.h '#include "runtime/linux/state.h"'
expect_fail "sibling include" runtime/state.h '#include "image/image_store.h"'
expect_fail "sandbox above containers" sandbox/pod.cc \
  '#include "containers/container.h"'
expect_fail "cni only through sandbox" server/service.cc \
  '#include "cni/network.h"'
expect_fail "streaming knows no runtime" streaming/session.cc \
  '#include "runtime/linux/state.h"'
expect_fail "spaces after the hash" runtime/state.h \
  '  #  include "sandbox/pod.h"'
expect_fail "relative path" sandbox/pod.cc '#include "../server/service.h"'
expect_fail "protobuf outside server" containers/container.cc \
  '#include "cri-api/api.pb.h"'
expect_fail "gRPC outside server" streaming/session.cc \
  '#include <grpcpp/grpcpp.h>'
expect_fail "protobuf runtime outside server" image/image_store.cc \
  '#include <google/protobuf/message.h>'
expect_fail "sqlite outside common/store" image/image_store.cc \
  '#include <sqlite3.h>'
expect_fail "store in what the monitor links" runtime/state.h \
  '#include "common/store/database.h"'
good_tree
mkdir -p "$work/tree/newmod"
printf '#include "common/status.h"\n' >"$work/tree/newmod/x.cc"
if bash "$check" "$work/tree" >/dev/null 2>&1; then
  echo "FAIL unknown top folder: expected a failure for newmod/"
  failures=$((failures + 1))
fi

if ((failures)); then
  echo "check_includes_test: $failures failure(s)"
  exit 1
fi
echo "check_includes_test: all cases pass"
