#!/usr/bin/env bash
# The lab registries: Debian's docker-registry (distribution 2.8), only on
# 127.0.0.1, state under ${CRISP_LAB_DIR:-/var/lib/crisp-lab}.
#
#   hack/registry.sh start        plain  http://127.0.0.1:5000   (no auth)
#                                 tls    https://127.0.0.1:5443  (basic auth
#                                        crisp / crisp-secret, CA tls/ca.crt)
#   hack/registry.sh start-token  token  http://127.0.0.1:5002   (bearer
#                                        tokens from http://127.0.0.1:5001/token,
#                                        read-only view of the plain one)
#   hack/registry.sh stop         stops every instance this script started
#   hack/registry.sh stop-token   stops the token registry and its server
#   hack/registry.sh status       exit 0 when plain and tls answer
#
# start is idempotent and returns once /v2/ answers. Each instance has its
# config, pid file and log in run/; stop signals only the recorded pids
# (after checking they still run that instance's config).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
lab=${CRISP_LAB_DIR:-/var/lib/crisp-lab}
run=$lab/run
tls=$lab/tls
token=$lab/token
creds=crisp:crisp-secret

declare -A port=([plain]=5000 [tls]=5443 [token]=5002 [token-server]=5001)
declare -A probe=(
  [plain]="http://127.0.0.1:5000/v2/"
  [tls]="https://127.0.0.1:5443/v2/"
  [token]="http://127.0.0.1:5002/v2/"
  [token-server]="http://127.0.0.1:5001/healthz"
)

# What the command line of each instance contains (checked before a signal).
declare -A marker=(
  [plain]="$run/plain.yml"
  [tls]="$run/tls.yml"
  [token]="$run/token.yml"
  [token-server]="token_server.py --listen 127.0.0.1:5001"
)

log() { printf 'registry.sh: %s\n' "$*" >&2; }

# The pid recorded for instance $1 if it still runs that instance, else "".
live_pid() {
  local pid
  pid=$(cat "$run/$1.pid" 2>/dev/null) || return 0
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  if kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "${marker[$1]}"; then
    printf '%s\n' "$pid"
  fi
}

# Whether instance $1 answers its probe URL (any HTTP status but 5xx).
answers() {
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 \
    --cacert "$tls/ca.crt" "${probe[$1]}" 2>/dev/null) || true
  [[ $code =~ ^[1-4][0-9][0-9]$ ]]
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# launch NAME COMMAND...: starts COMMAND in its own session, records its pid
# and waits until the instance answers.
launch() {
  local name=$1 pid
  shift
  if [[ -n $(live_pid "$name") ]]; then
    log "$name: already running (pid $(live_pid "$name"))"
    return
  fi
  if port_busy "${port[$name]}"; then
    log "$name: 127.0.0.1:${port[$name]} is taken by another process"
    return 1
  fi
  setsid "$@" </dev/null >>"$run/$name.log" 2>&1 &
  pid=$!
  printf '%s\n' "$pid" >"$run/$name.pid"
  for _ in $(seq 200); do
    answers "$name" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if ! answers "$name"; then
    log "$name: did not come up; last lines of $run/$name.log:"
    tail -n 20 "$run/$name.log" >&2
    stop_one "$name"
    return 1
  fi
  log "$name: up on ${probe[$name]%/*}/ (pid $pid)"
}

stop_one() {
  local pid
  pid=$(live_pid "$1")
  if [[ -n $pid ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    log "$1: stopped (pid $pid)"
  fi
  rm -f "$run/$1.pid"
}

# config NAME STORAGE [STORAGE_YAML [HTTP_YAML [TOP_YAML]]]: writes the
# docker-registry config of an instance; the optional YAML lines go into the
# storage and http sections and at the top level.
config() {
  cat >"$run/$1.yml" <<EOF
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $2
  delete:
    enabled: true
${3:-}
http:
  addr: 127.0.0.1:${port[$1]}
  secret: crisp-lab-$1
${4:-}
health:
  storagedriver:
    enabled: false
${5:-}
EOF
}

# A CA (tls/ca.crt, its key in tls/ca/) and a server certificate for
# 127.0.0.1 and localhost signed by it (tls/server/), made once. Only the CA
# certificate sits in tls/ itself, so `skopeo --cert-dir tls` works.
make_tls() {
  [[ -s $tls/ca.crt && -s $tls/server/server.crt && -s $tls/server/server.key ]] && return
  mkdir -p "$tls/ca" "$tls/server"
  chmod 0700 "$tls/ca"
  cat >"$tls/ca/openssl.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = crisp-lab
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
authorityKeyIdentifier = keyid
subjectKeyIdentifier = hash
EOF
  local cnf=$tls/ca/openssl.cnf srv=$tls/server
  openssl req -x509 -config "$cnf" -extensions ca_ext -newkey rsa:2048 -nodes \
    -days 3650 -subj "/CN=crisp-lab CA" -keyout "$tls/ca/ca.key" -out "$tls/ca.crt" 2>/dev/null
  openssl req -new -config "$cnf" -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$srv/server.key" -out "$srv/server.csr" 2>/dev/null
  openssl x509 -req -in "$srv/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca/ca.key" \
    -set_serial "0x$(openssl rand -hex 8)" -days 3650 -extfile "$cnf" \
    -extensions server_ext -out "$srv/server.crt" 2>/dev/null
  chmod 0600 "$srv/server.key"
  rm -f "$srv/server.csr"
}

make_htpasswd() {
  local file=$lab/auth/htpasswd
  mkdir -p "$lab/auth"
  htpasswd -vb "$file" "${creds%%:*}" "${creds#*:}" >/dev/null 2>&1 && return
  htpasswd -Bbc "$file" "${creds%%:*}" "${creds#*:}" 2>/dev/null
}

start() {
  make_tls
  make_htpasswd
  config plain "$lab/registry-plain"
  config tls "$lab/registry-tls" "" "\
  tls:
    certificate: $tls/server/server.crt
    key: $tls/server/server.key" "\
auth:
  htpasswd:
    realm: crisp-lab
    path: $lab/auth/htpasswd"
  launch plain docker-registry serve "$run/plain.yml"
  launch tls docker-registry serve "$run/tls.yml"
}

start_token() {
  if [[ ! -s $token/key.pem || ! -s $token/cert.pem ]]; then
    mkdir -p "$token"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=crisp-lab-token \
      -keyout "$token/key.pem" -out "$token/cert.pem" 2>/dev/null
    chmod 0600 "$token/key.pem"
  fi
  launch token-server python3 "$here/hack/token-server/token_server.py" \
    --listen 127.0.0.1:5001 --key "$token/key.pem" --cert "$token/cert.pem"
  mkdir -p "$lab/registry-plain"
  config token "$lab/registry-plain" "\
  maintenance:
    uploadpurging:
      enabled: false
    readonly:
      enabled: true" "" "\
auth:
  token:
    realm: http://127.0.0.1:5001/token
    service: crisp-lab-registry
    issuer: crisp-lab-token
    rootcertbundle: $token/cert.pem"
  launch token docker-registry serve "$run/token.yml"
}

status() {
  local name pid rc=0
  for name in plain tls token token-server; do
    pid=$(live_pid "$name")
    if [[ -n $pid ]] && answers "$name"; then
      printf '%-13s running  pid %-7s %s\n' "$name" "$pid" "${probe[$name]}"
    else
      printf '%-13s stopped\n' "$name"
      [[ $name == plain || $name == tls ]] && rc=1
    fi
  done
  return "$rc"
}

mkdir -p "$run"
case ${1:-} in
  start) start ;;
  start-token) start_token ;;
  stop) for n in token token-server tls plain; do stop_one "$n"; done ;;
  stop-token) for n in token token-server; do stop_one "$n"; done ;;
  status) status ;;
  *)
    echo "usage: $0 start|start-token|stop|stop-token|status" >&2
    exit 2
    ;;
esac
