#!/usr/bin/env bash
# Makes the root filesystem of the lab's default image (the stand-in for
# registry.k8s.io/e2e-test-images/busybox:1.29-2) in DEST:
#   - Debian's dynamic busybox from BUSYBOX_DEB with every applet as a hard
#     link in /bin (a masked /bin/ls then masks ls only, and sh execs
#     applets instead of running them in-process);
#   - util-linux's ipcs (for the IPC namespace specs) and the shared
#     libraries both need, found with ldd;
#   - the static pgrep from PGREP (Debian's busybox has no pgrep applet);
#   - /etc/passwd and /etc/group as in the upstream busybox image.
# Usage: busybox-rootfs.sh BUSYBOX_DEB PGREP DEST
set -euo pipefail

deb=$1 pgrep=$2 dest=$3
rm -rf "$dest"
mkdir -p "$dest"
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
dpkg-deb -x "$deb" "$unpacked"

install -d -m 0755 "$dest"/{bin,dev,etc,home,proc,sys,usr/bin,usr/sbin,var/run}
install -d -m 0755 "$dest"/var/spool/mail "$dest"/var/www
install -d -m 0700 "$dest"/root
install -d -m 1777 "$dest"/tmp
install -m 0755 "$unpacked/bin/busybox" "$dest/bin/busybox"
for applet in $("$dest/bin/busybox" --list); do
  [[ $applet == busybox || -e $dest/bin/$applet ]] && continue
  ln "$dest/bin/busybox" "$dest/bin/$applet"
done
install -m 0755 "$pgrep" "$dest/bin/pgrep"
ipcs=$(command -v ipcs)
install -m 0755 "$ipcs" "$dest/usr/bin/ipcs"

# Shared libraries (and the loader) at the paths ldd resolves them to.
for bin in "$dest/bin/busybox" "$ipcs"; do
  ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'
done | sort -u | while read -r lib; do
  install -D -m 0755 "$(readlink -f "$lib")" "$dest$lib"
done

cat >"$dest/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
EOF
cat >"$dest/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
kmem:x:9:
wheel:x:10:root
cdrom:x:11:
dialout:x:18:
floppy:x:19:
video:x:28:
audio:x:29:
tape:x:32:
www-data:x:33:
operator:x:37:
utmp:x:43:
users:x:100:
staff:x:50:
nogroup:x:65534:
EOF
cat >"$dest/etc/nsswitch.conf" <<'EOF'
passwd: files
group: files
shadow: files
hosts: files dns
EOF
chmod 0644 "$dest"/etc/{passwd,group,nsswitch.conf}
chown -R 0:0 "$dest"
