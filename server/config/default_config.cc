#include "server/config/config.h"

namespace crisp::server {

std::string DefaultConfigToml() {
  return R"(# crispd configuration (/etc/crisp/crisp.toml). Every key is shown with its
# default. Flags given to crispd override the values here.

# CRI socket kubelet and crictl connect to (unix:// only), mode 0660.
address = "unix:///run/crisp/crisp.sock"
# Persistent state: metadata database, image content and snapshots.
root = "/var/lib/crisp"
# Runtime state, gone after a reboot: container bundles, pinned namespaces.
state = "/run/crisp"
# One of debug, info, warn, error, fatal.
log_level = "info"
# On SIGTERM/SIGINT, how long in-flight RPCs may take before crispd exits.
shutdown_timeout_seconds = 10

[runtime]
# How container cgroups are managed: "cgroupfs" (crispd writes the cgroup
# file system itself). kubelet's --cgroup-driver must match.
cgroup_driver = "cgroupfs"
# Where crisp-monitor (one per container) and crisp-pause (one per pod
# sharing a PID namespace) are installed; empty means beside crispd.
helper_dir = ""

[cni]
# Where network configurations (*.conf, *.conflist, *.json) are looked up;
# the first in lexical order is the pod network.
conf_dir = "/etc/cni/net.d"
# Directories searched, in order, for CNI plugin executables.
bin_dirs = ["/opt/cni/bin", "/usr/lib/cni"]

[image]
# Image whose presence is pinned for pod sandboxes (pods need no pause
# process unless they share a PID namespace).
sandbox_image = "registry.k8s.io/pause:3.9"
# Layer downloads in flight at the same time, across all pulls.
max_concurrent_downloads = 3
# A download that receives no byte for this many seconds fails (and is
# retried) instead of hanging the pull.
stall_timeout_seconds = 60
# A download slower than this many bytes per second for
# low_speed_time_seconds fails (and is retried): a registry trickling bytes
# cannot hold a pull forever. 0: no minimum rate.
low_speed_bytes_per_second = 1024
# The window of that minimum rate, in seconds.
low_speed_time_seconds = 60
# What one layer may expand to when unpacked (0: no cap), since a small
# gzip can hold terabytes of zeros: uncompressed bytes,
max_layer_bytes = 68719476736
# entries (files, directories, links),
max_layer_entries = 4000000
# and directories (their mtimes are kept in memory until the layer's end).
max_layer_directories = 1000000

[streaming]
# Where the exec, attach and port-forward streaming server listens; the
# Exec, Attach and PortForward RPCs answer with URLs on it. Keep it on
# loopback unless the node's clients (kubelet) reach it otherwise.
address = "127.0.0.1"
# 0 picks a free port at each start.
port = 0

# Per-registry settings, keyed by the host (and port) of image references.
# Mirrors are tried in order before the registry itself. Example:
#
# [registries."docker.io"]
# mirrors = ["http://localhost:5000"]
# plain_http = false            # use HTTP instead of HTTPS for this host
# insecure_skip_verify = false  # accept any TLS certificate
# ca_file = ""                  # PEM CA bundle to trust for this host
# cert_file = ""                # PEM client certificate
# key_file = ""                 # PEM client key
)";
}

}  // namespace crisp::server
