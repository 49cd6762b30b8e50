#!/usr/bin/env bash
# Installs what Crisp needs, builds it, installs crispd and its helpers
# (crisp-monitor, crisp-pause, crisp-runtime) to /usr/local/bin and
# starts it with the default configuration:
#   - /etc/crisp/crisp.toml written from `crispd config default` if absent;
#   - a bridge CNI network in /etc/cni/net.d if that directory has none
#     (as CRI-O's package ships one), so pods get networking out of the box;
#   - crispd under systemd when systemd runs the machine, otherwise as a
#     background daemon logging to /var/log/crisp/crispd.log.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

bash "$here/hack/install-deps.sh"
bash "$here/hack/build.sh" "$here/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
for bin in crispd crisp-monitor crisp-pause crisp-runtime; do
  install -m 0755 "$here/build/bin/$bin" "/usr/local/bin/$bin"
done

install -d -m 0755 /etc/crisp
[[ -e /etc/crisp/crisp.toml ]] || crispd config default >/etc/crisp/crisp.toml

install -d -m 0755 /etc/cni/net.d
if ! ls /etc/cni/net.d/*.conf /etc/cni/net.d/*.conflist /etc/cni/net.d/*.json \
  >/dev/null 2>&1; then
  install -m 0644 "$here/hack/cni/10-crisp-bridge.conflist" /etc/cni/net.d/
fi

if [[ -d /run/systemd/system ]]; then
  install -m 0644 "$here/hack/crispd.service" /etc/systemd/system/crispd.service
  systemctl daemon-reload
  systemctl enable crispd
  systemctl restart crispd
else
  pidfile=/run/crisp-daemon.pid
  if [[ -s $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    kill -TERM "$(cat "$pidfile")"
    while kill -0 "$(cat "$pidfile")" 2>/dev/null; do sleep 0.1; done
  fi
  install -d -m 0755 /var/log/crisp
  setsid /usr/local/bin/crispd </dev/null >>/var/log/crisp/crispd.log 2>&1 &
  echo $! >"$pidfile"
fi

for _ in $(seq 100); do
  [[ -S /run/crisp/crisp.sock ]] && break
  sleep 0.1
done
[[ -S /run/crisp/crisp.sock ]] || {
  echo "crisp-up: crispd did not start; see /var/log/crisp/crispd.log" >&2
  exit 1
}
echo "crispd is running on unix:///run/crisp/crisp.sock"
