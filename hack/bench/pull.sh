#!/usr/bin/env bash
# Cold pull + unpack benchmark: crispd against Debian's containerd (CRI
# plugin, overlayfs snapshotter), both started here on their own sockets and
# state dirs, both driven by the same CRI PullImage client, both pulling from
# the lab registry (hack/registry.sh + hack/test-images.sh must be up).
#
#   hack/bench/pull.sh [ROUNDS]        (default 5)
#
# Each round starts each runtime on an empty root, so every pull is cold
# (nothing cached, every layer downloaded and unpacked). Prints each time,
# then per image the median crisp/containerd time ratio and crispd's peak
# RSS (VmHWM) over the round. Env: CRISPD, CRISP_CRI_PULL (the client, built
# as tests/integration/image/crisp_cri_pull), CONTAINERD,
# CRISP_LAB_REGISTRY (127.0.0.1:5000), CRISP_BENCH_DIR (/tmp/crisp-bench).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
rounds=${1:-5}
build=${CRISP_BUILD_DIR:-$here/build}
crispd=${CRISPD:-$build/bin/crispd}
client=${CRISP_CRI_PULL:-$build/tests/integration/image/crisp_cri_pull}
containerd=${CONTAINERD:-$(command -v containerd || true)}
registry=${CRISP_LAB_REGISTRY:-127.0.0.1:5000}
dir=${CRISP_BENCH_DIR:-/tmp/crisp-bench}
images=("$registry/crisp/big:latest" "$registry/crisp/five-layers:latest")

die() { echo "pull.sh: $*" >&2; exit 1; }
[[ -x $crispd ]] || die "no crispd at $crispd (build first, or set CRISPD)"
[[ -x $client ]] || die "no CRI client at $client (ninja crisp_cri_pull)"
[[ -x $containerd ]] || die "containerd not installed (hack/install-deps.sh --bench)"
curl -sf "http://$registry/v2/" >/dev/null || die "lab registry $registry is down"

pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  umount -R "$dir" 2>/dev/null || true
}
trap cleanup EXIT

wait_socket() {
  local i
  for i in $(seq 200); do [[ -S $1 ]] && return 0; sleep 0.05; done
  die "$2 did not create $1"
}

# start_crispd DIR: echoes the pid.
start_crispd() {
  mkdir -p "$1/net.d"
  printf '[cni]\nconf_dir = "%s/net.d"\n' "$1" >"$1/crisp.toml"
  "$crispd" --config "$1/crisp.toml" --address "unix://$1/crisp.sock" \
    --root "$1/root" --state "$1/state" --log-level warn >"$1/log" 2>&1 &
  echo $!
}

start_containerd() {
  mkdir -p "$1/net.d"
  cat >"$1/config.toml" <<TOML
version = 2
root = "$1/root"
state = "$1/state"
[grpc]
  address = "$1/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$registry/pause:3.9"
  [plugins."io.containerd.grpc.v1.cri".cni]
    conf_dir = "$1/net.d"
  [plugins."io.containerd.grpc.v1.cri".registry.mirrors."$registry"]
    endpoint = ["http://$registry"]
TOML
  "$containerd" --config "$1/config.toml" --log-level warn >"$1/log" 2>&1 &
  echo $!
}

# pull ENDPOINT IMAGE: milliseconds.
pull() { "$client" "$1" "$2" | awk '{print $2}'; }

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

declare -A crisp_ms containerd_ms peak_kb
for ((r = 1; r <= rounds; r++)); do
  for img in "${images[@]}"; do
    rm -rf "$dir" && mkdir -p "$dir/crisp" "$dir/containerd"
    pid=$(start_crispd "$dir/crisp"); pids+=("$pid")
    wait_socket "$dir/crisp/crisp.sock" crispd
    t=$(pull "unix://$dir/crisp/crisp.sock" "$img")
    hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    pid=$(start_containerd "$dir/containerd"); pids+=("$pid")
    wait_socket "$dir/containerd/containerd.sock" containerd
    c=$(pull "unix://$dir/containerd/containerd.sock" "$img")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    umount -R "$dir" 2>/dev/null || true
    printf 'round %d  %-45s crisp %8.1f ms  containerd %8.1f ms  crispd peak RSS %6d kB\n' \
      "$r" "$img" "$t" "$c" "$hwm"
    crisp_ms[$img]+="$t "
    containerd_ms[$img]+="$c "
    peak_kb[$img]+="$hwm "
  done
done

echo
for img in "${images[@]}"; do
  read -ra cs <<<"${crisp_ms[$img]}"
  read -ra ks <<<"${containerd_ms[$img]}"
  ratios=()
  for i in "${!cs[@]}"; do ratios+=("$(awk -v a="${cs[$i]}" -v b="${ks[$i]}" 'BEGIN {printf "%.3f", a/b}')"); done
  mc=$(printf '%s\n' "${cs[@]}" | median)
  mk=$(printf '%s\n' "${ks[@]}" | median)
  mr=$(printf '%s\n' "${ratios[@]}" | median)
  mp=$(printf '%s\n' ${peak_kb[$img]} | sort -n | tail -1)
  printf '%-45s median crisp %8.1f ms  containerd %8.1f ms  ratio %.2f  crispd peak RSS %.1f MB\n' \
    "$img" "$mc" "$mk" "$mr" "$(awk -v k="$mp" 'BEGIN {print k/1024}')"
done
