#!/usr/bin/env bash
# Crash torture: a storm of pod and container lifecycles and exec probes
# from several clients (build/bin/crisp-storm) while crispd is killed with
# SIGKILL at random moments and restarted on the same state. Then checks:
#   lost     every container the clients saw started (and never asked to
#            stop) is listed RUNNING and its init lives; every pod they saw
#            run (and never asked to stop) is listed READY;
#   phantom  nothing listed RUNNING/READY lacks its process or its pins;
#   restart  a clean restart (SIGTERM, start) lists the same objects in the
#            same states;
#   leaked   after every pod is stopped and removed through CRI and crispd
#            stopped: no crisp-monitor/crisp-pause of this run, no mount
#            under its root/state, no veth on its bridge, no cgroup under
#            its cgroup parent, no IPAM reservation, no file under root and
#            state beyond the skeleton recorded before the storm.
# Runs as root against the lab registry (hack/registry.sh) and the CNI
# plugins; everything lives in a temp dir and is removed on exit, even on
# failure. Only processes this run started are ever signalled.
#
# usage: hack/torture.sh [--kills N] [--clients C] [--seed S]
#                        [--bin-dir DIR] [--keep-logs DIR] [--inject lost|leak]
# --inject proves the checks can fail: "lost" SIGKILLs one journalled
# running container's init before the checks, "leak" leaves a file and a
# bind mount under state after the final stop; either must exit non-zero.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

kills=5 clients=2 seed=$((RANDOM)) bin_dir=$here/build/bin keep_logs="" inject=""
while (($#)); do
  case $1 in
    --kills) kills=$2 ;;
    --clients) clients=$2 ;;
    --seed) seed=$2 ;;
    --bin-dir) bin_dir=$2 ;;
    --keep-logs) keep_logs=$2 ;;
    --inject) inject=$2 ;;
    *) echo "usage: $0 [--kills N] [--clients C] [--seed S] [--bin-dir DIR] [--keep-logs DIR] [--inject lost|leak]" >&2
       exit 2 ;;
  esac
  shift 2
done
[[ $kills =~ ^[0-9]+$ && $clients =~ ^[1-9][0-9]*$ && $seed =~ ^[0-9]+$ ]] || {
  echo "torture: --kills, --clients and --seed take numbers" >&2
  exit 2
}
((EUID == 0)) || { echo "torture: needs root" >&2; exit 2; }
for b in crispd crisp-monitor crisp-pause crisp-storm; do
  [[ -x $bin_dir/$b ]] || { echo "torture: $bin_dir/$b is missing (build first)" >&2; exit 2; }
done
[[ -x /usr/lib/cni/bridge || -x /opt/cni/bin/bridge ]] || {
  echo "torture: containernetworking-plugins is not installed" >&2
  exit 2
}
registry=${CRISP_LAB_REGISTRY:-127.0.0.1:5000}
image=$registry/e2e-test-images/busybox:1.29-2
curl -fsS -o /dev/null "http://$registry/v2/" || {
  echo "torture: the lab registry $registry is not running (hack/registry.sh start)" >&2
  exit 2
}

RANDOM=$seed
dir=$(mktemp -d /tmp/crisp-torture.XXXXXX)
tag=$$
root=$dir/root state=$dir/state sock=$dir/crisp.sock
endpoint=unix://$sock
bridge=crtort$((tag % 100000))
subnet=10.205.$((tag % 250))
cgparent=crisp-torture-$tag
storm=$bin_dir/crisp-storm
crispd_pid="" client_pids=() crispd_starts=0
lost=0 leaked=0 phantom=0 restart_diff=0 failures=0

log() { printf 'torture: %s\n' "$*"; }
finding() { # KIND MESSAGE
  printf 'torture: %s: %s\n' "$1" "$2"
  case $1 in
    LOST) lost=$((lost + 1)) ;;
    LEAKED) leaked=$((leaked + 1)) ;;
    PHANTOM) phantom=$((phantom + 1)) ;;
    RESTART) restart_diff=$((restart_diff + 1)) ;;
    *) failures=$((failures + 1)) ;;
  esac
}

# ---- processes of this run -------------------------------------------------

# Pids whose command line names this run's directory: crisp-monitor (--dir
# $state/...) and crisp-pause (--pin $state/...). Zombies are not counted:
# nothing here reaps orphans, and a zombie holds nothing.
run_helpers() {
  local p cmd st
  for p in /proc/[0-9]*; do
    cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
    [[ $cmd == crisp-monitor* || $cmd == crisp-pause* || $cmd == */crisp-monitor* || $cmd == */crisp-pause* ]] || continue
    [[ $cmd == *" $dir/"* ]] || continue
    st=$(proc_state "${p#/proc/}")
    [[ $st == Z || $st == X || -z $st ]] && continue
    echo "${p#/proc/} $cmd"
  done
}

proc_state() { # PID -> state letter of /proc/PID/stat, empty if gone
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  s=${s##*) }
  echo "${s%% *}"
}

proc_start() { # PID -> field 22 of /proc/PID/stat
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  s=${s##*) }
  # Field 3 is the state; 22 is the 20th after the command.
  awk '{print $20}' <<<"$s"
}

alive() { # PID START -> 0 when that very process runs (not a zombie)
  local st
  [[ $1 =~ ^[0-9]+$ ]] && (($1 > 0)) || return 1
  st=$(proc_state "$1")
  [[ -n $st && $st != Z && $st != X ]] || return 1
  [[ $2 == 0 || $(proc_start "$1") == "$2" ]]
}

cgroup_dirs() { # every cgroup directory under this run's parent
  local h
  for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
    [[ -d $h$cgparent ]] && find "$h$cgparent" -mindepth 1 -type d 2>/dev/null
  done | sort -u
}

run_mounts() { # mount points under the run's directory, deepest first
  awk -v d="$dir/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r
}

run_veths() { ip -o link show master "$bridge" 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1; }

# DIR -> "PID START FIFO" of the container's init from its runtime
# state.json; FIFO is 1 while the exec fifo (the start handshake) exists.
init_of() {
  local f
  for f in "$1/state.json" "$1"/*/state.json; do
    [[ -f $f ]] || continue
    local fifo=0
    [[ -p ${f%/state.json}/exec.fifo ]] && fifo=1
    sed -n "s/.*\"pid\":\([0-9]*\).*\"pidStartTime\":\([0-9]*\).*/\1 \2 $fifo/p" "$f"
    return
  done
}

# ---- crispd ----------------------------------------------------------------

start_crispd() {
  echo "=== start $((crispd_starts + 1))" >>"$dir/crispd.log"
  "$bin_dir/crispd" --config "$dir/crisp.toml" --address "$endpoint" \
    --root "$root" --state "$state" --log-level debug \
    </dev/null >>"$dir/crispd.log" 2>&1 &
  crispd_pid=$!
  crispd_starts=$((crispd_starts + 1))
  if ! "$storm" wait "$endpoint" 60 2>>"$dir/torture.err"; then
    finding FAILED "crispd (start $crispd_starts) did not answer within 60s"
    return 1
  fi
}

# SIG -> waits for the crispd we started to exit (bounded).
stop_crispd() {
  [[ -n $crispd_pid ]] || return 0
  kill "-$1" "$crispd_pid" 2>/dev/null
  local i
  for ((i = 0; i < 600; i++)); do
    kill -0 "$crispd_pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$crispd_pid" 2>/dev/null; then
    finding FAILED "crispd $crispd_pid did not exit within 60s of SIG$1"
    kill -KILL "$crispd_pid" 2>/dev/null
  fi
  wait "$crispd_pid" 2>/dev/null
  crispd_pid=""
}

# ---- clean-up, on every exit ----------------------------------------------

cleanup() {
  local rc=$? p
  trap - EXIT INT TERM
  [[ -n $crispd_pid ]] && { kill -KILL "$crispd_pid" 2>/dev/null; wait "$crispd_pid" 2>/dev/null; }
  for p in "${client_pids[@]}"; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  # What this run's crispd started and left: monitors, pauses, and the
  # container processes in the run's cgroups.
  while read -r p _; do [[ -n $p ]] && kill -KILL "$p" 2>/dev/null; done < <(run_helpers)
  local cg
  for cg in $(cgroup_dirs); do
    for p in $(cat "$cg/cgroup.procs" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
  done
  sleep 0.2
  for p in $(run_mounts); do umount -l "$p" 2>/dev/null; done
  for p in $(run_veths); do ip link del "$p" 2>/dev/null; done
  ip link del "$bridge" 2>/dev/null
  for cg in $(cgroup_dirs | sort -r); do rmdir "$cg" 2>/dev/null; done
  for cg in /sys/fs/cgroup/*/"$cgparent" /sys/fs/cgroup/"$cgparent"; do
    [[ -d $cg ]] && rmdir "$cg" 2>/dev/null
  done
  if [[ -n $keep_logs ]] || ((rc != 0)); then
    local keep=${keep_logs:-/tmp/crisp-torture-logs.$tag}
    mkdir -p "$keep" && cp -a "$dir"/*.log "$dir"/journal.* "$dir"/storm.* "$dir"/torture.err "$keep"/ 2>/dev/null
    echo "torture: logs and journals kept in $keep"
  fi
  rm -rf --one-file-system "$dir"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- set-up ----------------------------------------------------------------

mkdir -p "$dir/net.d" "$dir/ipam" "$dir/logs"
cat >"$dir/net.d/10-torture.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "crisp-torture",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$bridge",
      "isGateway": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$dir/ipam",
        "ranges": [[{ "subnet": "$subnet.0/24" }]]
      }
    }
  ]
}
EOF
cat >"$dir/crisp.toml" <<EOF
[cni]
conf_dir = "$dir/net.d"

[image]
sandbox_image = "$registry/pause:3.9"
EOF

log "dir $dir, seed $seed, $kills kills, $clients clients, bridge $bridge, subnet $subnet.0/24, cgroup parent /$cgparent"
started_at=$(date +%s)
start_crispd || exit 1
"$storm" pull "$endpoint" "$image" || { finding FAILED "pull $image"; exit 1; }
# The skeleton: what root and state hold with the image pulled and nothing
# running, after a clean stop. Whatever is more at the end leaked.
stop_crispd TERM
# Directories made on first use (ns/net, cni/results, ...) are part of the
# skeleton; a directory named after a pod or container id (64 hex digits)
# is not, nor is any file.
skeleton() {
  find "$root" "$state" -mindepth 1 -regextype posix-extended \
    ! -name 'crisp.db-wal' ! -name 'crisp.db-shm' \
    \( ! -type d -o -regex '.*[0-9a-f]{64}.*' \) 2>/dev/null | sort
}
skeleton >"$dir/skeleton.before"
start_crispd || exit 1

# ---- the storm -------------------------------------------------------------

for ((c = 0; c < clients; c++)); do
  "$storm" storm "$endpoint" "$image" --journal "$dir/journal.$c" \
    --workers 2 --seconds $((kills * 4 + 120)) --seed $((seed + c)) \
    --stop-file "$dir/stop" --cgroup-parent "/$cgparent" \
    --log-dir "$dir/logs" --prefix "t$c" \
    >"$dir/storm.$c.out" 2>"$dir/storm.$c.err" &
  client_pids+=($!)
done

for ((k = 1; k <= kills; k++)); do
  ms=$((200 + RANDOM % 2801))
  sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
  kill -KILL "$crispd_pid" 2>/dev/null
  wait "$crispd_pid" 2>/dev/null
  echo "=== SIGKILL $k after ${ms}ms" >>"$dir/crispd.log"
  crispd_pid=""
  start_crispd || exit 1
  ((k % 10 == 0)) && log "$k kills"
done
# Let the storm run on the last recovery, then stop the clients.
sleep 2
touch "$dir/stop"
for p in "${client_pids[@]}"; do
  for ((i = 0; i < 1200; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$p" 2>/dev/null && { finding FAILED "storm client $p did not stop within 120s"; kill -KILL "$p"; }
  wait "$p" 2>/dev/null
done
client_pids=()

pods=0 ctrs=0 execs=0 errors=0
for f in "$dir"/storm.*.out; do
  read -r a b c d < <(tr ' ' '\n' <"$f" | awk -F= '/^pods=/{p=$2} /^containers=/{c=$2} /^execs=/{e=$2} /^errors=/{r=$2} END{print p+0, c+0, e+0, r+0}')
  pods=$((pods + a)) ctrs=$((ctrs + b)) execs=$((execs + c)) errors=$((errors + d))
done
log "storm: $pods pods and $ctrs containers created, $execs execs, $errors failed calls"

# ---- (a) lost and (b) phantom --------------------------------------------

if [[ $inject == lost ]]; then
  "$storm" list "$endpoint" >"$dir/list.inject"
  victim=$(awk '$1 == "ctr" && $4 == "RUNNING" {print $5; exit}' "$dir/list.inject")
  read -r pid _ < <(init_of "$victim")
  log "inject: SIGKILL of container init $pid ($victim)"
  [[ -n $pid ]] && kill -KILL "$pid"
  sleep 1
fi

"$storm" list "$endpoint" >"$dir/list.after-storm" || { finding FAILED "list after the storm"; exit 1; }
cat "$dir"/journal.* >"$dir/journal.all" 2>/dev/null

# Ids a client asked to stop or remove (directly or through their pod).
awk '$1 ~ /^(ctr-stopping|ctr-removing)$/ {print $2}' "$dir/journal.all" | sort -u >"$dir/ctr.released"
awk '$1 == "pod-stopping" {print $2}' "$dir/journal.all" | sort -u >"$dir/pod.released"

declare -A listed_ctr listed_pod ctr_dir
while read -r kind id a b c _; do
  case $kind in
    pod) listed_pod[$id]=$a ;;
    ctr) listed_ctr[$id]=$b ctr_dir[$id]=$c ;;
  esac
done <"$dir/list.after-storm"


while read -r _ id pod; do
  grep -qx "$id" "$dir/ctr.released" && continue
  grep -qx "$pod" "$dir/pod.released" && continue
  st=${listed_ctr[$id]:-absent}
  if [[ $st != RUNNING ]]; then
    finding LOST "container $id (pod $pod) was started and never stopped, but is $st"
    continue
  fi
  read -r pid start _ < <(init_of "${ctr_dir[$id]}")
  alive "${pid:-0}" "${start:-0}" || finding LOST "container $id (pod $pod) is listed RUNNING but its init ${pid:-?} does not run"
done < <(awk '$1 == "ctr-start"' "$dir/journal.all")

while read -r _ id; do
  grep -qx "$id" "$dir/pod.released" && continue
  st=${listed_pod[$id]:-absent}
  [[ $st == READY ]] || finding LOST "pod $id was run and never stopped, but is $st"
done < <(awk '$1 == "pod-run"' "$dir/journal.all")

is_nsfs_mount() { awk -v p="$1" '$5 == p && $0 ~ / - nsfs / {found=1} END{exit !found}' /proc/self/mountinfo; }

while read -r kind id st a b c d e f; do
  if [[ $kind == pod && $st == READY ]]; then
    for ns in "$a" "$b" "$c" "$d"; do
      [[ $ns == - ]] && continue
      is_nsfs_mount "$ns" || finding PHANTOM "pod $id is READY but its namespace pin $ns is not mounted"
    done
    if [[ $e != 0 ]] && ! alive "$e" "$f"; then
      finding PHANTOM "pod $id is READY but its crisp-pause $e does not run"
    fi
  elif [[ $kind == ctr && $a == RUNNING ]]; then
    read -r pid start _ < <(init_of "$b")
    alive "${pid:-0}" "${start:-0}" || finding PHANTOM "container $id is RUNNING but its init ${pid:-?} does not run"
  elif [[ $kind == ctr && $a == CREATED ]]; then
    # A start that went through (fifo consumed) must not be reported CREATED.
    read -r pid start fifo < <(init_of "$b")
    if [[ ${fifo:-1} == 0 ]] && alive "${pid:-0}" "${start:-0}"; then
      finding PHANTOM "container $id is listed CREATED but its init $pid runs past the start handshake"
    fi
  fi
done <"$dir/list.after-storm"

# ---- (c) a clean restart lists the same objects ---------------------------

states() { awk '{print $1, $2, ($1 == "pod" ? $3 : $4)}' "$1" | sort; }
stop_crispd TERM
start_crispd || exit 1
"$storm" list "$endpoint" >"$dir/list.after-restart" || { finding FAILED "list after the clean restart"; exit 1; }
while read -r line; do
  finding RESTART "$line"
done < <(diff <(states "$dir/list.after-storm") <(states "$dir/list.after-restart") | grep '^[<>]')

# ---- (d) remove everything; nothing may be left ---------------------------

"$storm" remove-all "$endpoint" >"$dir/remove-all.out" 2>&1 || {
  while read -r line; do finding LEAKED "remove-all: $line"; done <"$dir/remove-all.out"
}
stop_crispd TERM
sleep 0.5
if [[ $inject == leak ]]; then
  log "inject: a file and a bind mount under $state"
  touch "$state/injected-file" && mkdir -p "$state/injected"
  mount --bind "$dir/logs" "$state/injected"
fi

while read -r p cmd; do
  [[ -n $p ]] && finding LEAKED "process $p: $cmd"
done < <(run_helpers)
for m in $(run_mounts); do finding LEAKED "mount $m"; done
for v in $(run_veths); do finding LEAKED "veth $v on $bridge"; done
for cg in $(cgroup_dirs); do finding LEAKED "cgroup $cg"; done
while read -r f; do
  [[ -n $f ]] && finding LEAKED "IPAM reservation $f ($(cat "$f" 2>/dev/null | head -c 80))"
done < <(find "$dir/ipam" -type f ! -name lock ! -name 'last_reserved_ip*' 2>/dev/null)
skeleton >"$dir/skeleton.after"
while read -r f; do
  finding LEAKED "file $f"
done < <(comm -13 "$dir/skeleton.before" "$dir/skeleton.after" |
  awk 'kept == "" || index($0, kept "/") != 1 {print; kept = $0}')  # topmost only

# What the restarts had to repair: how often a kill landed mid-operation.
recovered() { grep -c "$1" "$dir/crispd.log"; }
log "recovery: $(recovered 'pod [0-9a-f]*: rolling back an unfinished create') pod creates and $(recovered 'container [0-9a-f]*: rolling back an unfinished create') container creates rolled back, $(recovered 'finishing an interrupted start') starts finished, $(recovered 'tear down after losing its namespaces') teardowns of pods that lost their namespaces"

elapsed=$(($(date +%s) - started_at))
summary="kills=$kills clients=$clients seed=$seed pods=$pods containers=$ctrs execs=$execs lost=$lost leaked=$leaked phantom=$phantom restart_diff=$restart_diff failures=$failures duration=${elapsed}s"
log "$summary"
((lost + leaked + phantom + restart_diff + failures == 0))
