#!/usr/bin/env bash
# Runs critest (kubernetes-sigs/cri-tools) against a crispd of its own.
# Usage: hack/critest.sh CRITEST_BINARY [critest args, e.g. -ginkgo.focus="Image Manager"]
#
# crispd gets its own socket, root and state under $CRISP_CRITEST_DIR
# (default /tmp/crisp-critest) and a config that mirrors registry.k8s.io,
# k8s.gcr.io, gcr.io, docker.io and public.ecr.aws to the lab registry on
# http://localhost:5000 (hack/registry.sh, hack/test-images.sh), so critest
# runs unchanged, without -registry-prefix. The lab must be up.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
critest=${1:?usage: $0 CRITEST_BINARY [critest args]}
shift
dir=${CRISP_CRITEST_DIR:-/tmp/crisp-critest}
crispd=${CRISPD:-$here/build/bin/crispd}

mkdir -p "$dir/net.d"
cp "$here/hack/cni/10-crisp-bridge.conflist" "$dir/net.d/"
{
  echo "[cni]"
  echo "conf_dir = \"$dir/net.d\""
  for host in registry.k8s.io k8s.gcr.io gcr.io docker.io public.ecr.aws; do
    echo "[registries.\"$host\"]"
    echo 'mirrors = ["http://localhost:5000"]'
  done
} >"$dir/crisp.toml"

"$crispd" --config "$dir/crisp.toml" --address "unix://$dir/crisp.sock" \
  --root "$dir/root" --state "$dir/state" >"$dir/crispd.log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  [[ -S $dir/crisp.sock ]] && break
  sleep 0.1
done

"$critest" -runtime-endpoint "unix://$dir/crisp.sock" \
  -image-endpoint "unix://$dir/crisp.sock" "$@"
