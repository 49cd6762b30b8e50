#!/usr/bin/env bash
# Installs, with apt, every Debian 12 package Crisp needs to build, test and
# run. Idempotent: packages already present are skipped by apt itself.
# --bench also installs the engines the benchmarks compare against
# (containerd); it is kept out of the default set because installing it
# starts a containerd service on systemd machines.
set -euo pipefail

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps.sh: run as root (apt-get needs it)" >&2
  exit 1
fi

packages=(
  # build
  build-essential cmake ninja-build pkg-config clang clang-format clang-tidy
  libclang-rt-14-dev
  # libraries
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libseccomp-dev libcap-dev nlohmann-json3-dev
  libcurl4-openssl-dev libarchive-dev libzstd-dev libssl-dev
  libgoogle-glog-dev libgflags-dev libgtest-dev libgmock-dev
  libsqlite3-dev libboost-dev libtomlplusplus-dev zlib1g-dev
  # runtime of a node
  containernetworking-plugins iproute2 iptables util-linux procps
  # apparmor_parser: crispd loads crisp-default with it on AppArmor hosts;
  # a unit test compiles that profile with it
  apparmor
  # test lab
  docker-registry skopeo busybox-static apache2-utils openssl curl
  ca-certificates jq python3 zstd
  # runtime bench (hack/bench/runtime.sh): the OCI runtimes compared
  runc crun
)

if [[ ${1:-} == --bench ]]; then
  packages+=(containerd)
fi

export DEBIAN_FRONTEND=noninteractive
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  echo "install-deps.sh: all ${#packages[@]} packages present"
  exit 0
fi
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
# docker-registry's own service is not wanted: hack/registry.sh runs its own
# instances on 127.0.0.1 only.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active -q docker-registry 2>/dev/null; then
  systemctl disable --now docker-registry || true
fi
