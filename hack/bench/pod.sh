#!/usr/bin/env bash
# Pod start and memory benchmark: crispd against Debian's containerd (CRI
# plugin + runc), both started here on their own sockets, state dirs and
# CNI bridge, both driven by the same CRI client
# (tests/integration/pod/crisp_cri_podstart) doing what kubelet does to
# start a pod: RunPodSandbox, CreateContainer, StartContainer.
#
#   hack/bench/pod.sh [ROUNDS] [KEEP]      (defaults 40 and 20)
#
# ROUNDS pods are started one after the other; the first KEEP stay running
# and, once they all run, the PSS of the runtime's own processes is summed
# (crispd + crisp-monitor + crisp-pause; containerd + its shims + pause
# containers), not counting the workloads. Prints the median of each step
# per runtime and the crisp/containerd ratios. Needs the lab
# (hack/registry.sh, hack/test-images.sh) and containerd
# (hack/install-deps.sh --bench). Env: CRISPD, CRISP_CRI_PODSTART,
# CONTAINERD, CRISP_LAB_REGISTRY (127.0.0.1:5000), CRISP_BENCH_DIR.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
rounds=${1:-40}
keep=${2:-20}
build=${CRISP_BUILD_DIR:-$here/build}
crispd=${CRISPD:-$build/bin/crispd}
client=${CRISP_CRI_PODSTART:-$build/tests/integration/pod/crisp_cri_podstart}
containerd=${CONTAINERD:-$(command -v containerd || true)}
registry=${CRISP_LAB_REGISTRY:-127.0.0.1:5000}
dir=${CRISP_BENCH_DIR:-/tmp/crisp-podbench}
image="$registry/e2e-test-images/busybox:1.29-2"

die() { echo "pod.sh: $*" >&2; exit 1; }
[[ -x $crispd ]] || die "no crispd at $crispd (build first, or set CRISPD)"
[[ -x $client ]] || die "no CRI client at $client (ninja crisp_cri_podstart)"
[[ -x $containerd ]] || die "containerd not installed (hack/install-deps.sh --bench)"
curl -sf "http://$registry/v2/" >/dev/null || die "lab registry $registry is down"

daemon=
cleanup() {
  [[ -n $daemon ]] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
  umount -R "$dir" 2>/dev/null || true
  ip link del crispb0 2>/dev/null || true
}
trap cleanup EXIT

wait_socket() {
  local i
  for i in $(seq 200); do [[ -S $1 ]] && return 0; sleep 0.05; done
  die "$2 did not create $1"
}

write_cni() {
  mkdir -p "$1/net.d"
  cat >"$1/net.d/10-bench.conflist" <<JSON
{"cniVersion": "1.0.0", "name": "bench", "plugins": [
  {"type": "bridge", "bridge": "crispb0", "isGateway": true,
   "ipam": {"type": "host-local", "dataDir": "$1/ipam",
            "ranges": [[{"subnet": "10.204.0.0/16"}]]}},
  {"type": "portmap", "capabilities": {"portMappings": true}}]}
JSON
}

start_crispd() {
  write_cni "$1"
  printf '[cni]\nconf_dir = "%s/net.d"\n' "$1" >"$1/crisp.toml"
  "$crispd" --config "$1/crisp.toml" --address "unix://$1/crisp.sock" \
    --root "$1/root" --state "$1/state" --log-level warn >"$1/log" 2>&1 &
  daemon=$!
  wait_socket "$1/crisp.sock" crispd
}

start_containerd() {
  write_cni "$1"
  cat >"$1/config.toml" <<TOML
version = 2
root = "$1/root"
state = "$1/state"
[grpc]
  address = "$1/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$registry/pause:3.9"
  # This machine refuses negative oom_score_adj (see README).
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$1/net.d"
  [plugins."io.containerd.grpc.v1.cri".registry.mirrors."$registry"]
    endpoint = ["http://$registry"]
TOML
  "$containerd" --config "$1/config.toml" --log-level warn >"$1/log" 2>&1 &
  daemon=$!
  wait_socket "$1/containerd.sock" containerd
}

# pss PATTERN...: summed Pss (kB) of the processes whose command line
# matches one of the extended regexps.
pss() {
  local pid total=0 kb
  for pid in $(pgrep -f -d ' ' "$1"); do
    kb=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
    total=$((total + ${kb:-0}))
  done
  echo "$total"
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# bench NAME ENDPOINT PROCESS_REGEXP: runs the client, prints medians, sets
# result_<col> and result_pss.
bench() {
  local out="$dir/$1.out" fifo="$dir/$1.in"
  mkfifo "$fifo"
  "$client" "$2" "$image" "$rounds" "$keep" <"$fifo" >"$out" &
  local cpid=$!
  exec 3>"$fifo"
  local i
  for i in $(seq 1200); do
    grep -q '^kept' "$out" 2>/dev/null && break
    kill -0 "$cpid" 2>/dev/null || break
    sleep 0.1
  done
  local kb
  kb=$(pss "$3")
  exec 3>&-
  wait "$cpid" || die "$1: the client failed (see $dir/$1/log)"
  local col name
  for col in 1 2 3 4; do
    name=$(echo run create start total | cut -d' ' -f$col)
    printf -v "result_${1}_$name" '%s' \
      "$(grep -v '^kept' "$out" | awk -v c=$col '{print $c}' | median)"
  done
  printf -v "result_${1}_pss" '%s' "$kb"
}

rm -rf "$dir" && mkdir -p "$dir/crisp" "$dir/containerd"
start_crispd "$dir/crisp"
bench crisp "unix://$dir/crisp/crisp.sock" "^($crispd|[^ ]*crisp-monitor|[^ ]*crisp-pause) "
kill "$daemon"; wait "$daemon" 2>/dev/null || true; daemon=
umount -R "$dir/crisp" 2>/dev/null || true
ip link del crispb0 2>/dev/null || true

start_containerd "$dir/containerd"
bench containerd "unix://$dir/containerd/containerd.sock" \
  "^($containerd|[^ ]*containerd-shim-runc-v2|/pause)( |$)"

printf '\n%-10s %10s %10s %10s %10s   %s\n' "" run create start total \
  "PSS of the runtime with $keep pods running"
for r in crisp containerd; do
  n="result_${r}"
  eval "printf '%-10s %8.1f ms %7.1f ms %7.1f ms %7.1f ms   %.1f MiB\n' $r \
    \${${n}_run} \${${n}_create} \${${n}_start} \${${n}_total} \
    \$(awk -v k=\${${n}_pss} 'BEGIN {print k/1024}')"
done
awk -v a="$result_crisp_total" -v b="$result_containerd_total" \
  -v m="$result_crisp_pss" -v n="$result_containerd_pss" \
  'BEGIN {printf "ratio crisp/containerd: start %.2f, memory %.2f\n", a/b, m/n}'
