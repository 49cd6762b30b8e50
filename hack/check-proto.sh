#!/usr/bin/env bash
# Compares cri-api/api.proto with upstream kubernetes/cri-api's
# pkg/apis/runtime/v1/api.proto: both are compiled to descriptor sets (no
# source info) and decoded to text; any difference in a service, RPC,
# message, enum, field name, number, label or type fails the check.
# Usage: hack/check-proto.sh /path/to/upstream/api.proto
set -euo pipefail

upstream=${1:?usage: $0 /path/to/upstream/api.proto}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/ours" "$work/theirs"
cp "$here/cri-api/api.proto" "$work/ours/api.proto"
# Options protoc 3.21 cannot parse, and Go-only options, do not change the
# wire; drop them from the upstream copy before compiling it.
sed -e 's/ \[debug_redact = true\]//g' -e '/^option go_package/d' \
  "$upstream" >"$work/theirs/api.proto"

include=/usr/include
for side in ours theirs; do
  protoc -I"$work/$side" -I"$include" --descriptor_set_out="$work/$side.pb" \
    "$work/$side/api.proto"
  protoc -I"$include" --decode=google.protobuf.FileDescriptorSet \
    google/protobuf/descriptor.proto <"$work/$side.pb" >"$work/$side.txt"
done

if diff -u "$work/theirs.txt" "$work/ours.txt"; then
  echo "check-proto: cri-api/api.proto is wire-identical to $upstream"
else
  echo "check-proto: cri-api/api.proto differs from $upstream (see diff above)" >&2
  exit 1
fi
