#!/usr/bin/env bash
# Builds the offline test images (every image critest v1.29.0 pulls, plus
# Crisp's own crisp/* images) without docker, as a hand-written OCI layout,
# and pushes them with skopeo to the lab registry of hack/registry.sh,
# under the upstream repository paths (docs/test-lab.md lists them).
#
#   hack/test-images.sh           build what changed, push what is missing
#   hack/test-images.sh --check   `skopeo inspect` every lab image
#
# The build is skipped while its inputs (hack/images/*, this script, the
# busybox .deb, util-linux and libc) are unchanged; an image is pushed again
# only when it changed or the registry no longer serves it.
# $CRISP_LAB_DIR (default /var/lib/crisp-lab) holds the build dir (images/)
# and the registries' CA; $CRISP_LAB_REGISTRY and $CRISP_LAB_TLS_REGISTRY
# override 127.0.0.1:5000 and 127.0.0.1:5443.
# shellcheck source-path=SCRIPTDIR disable=SC2034
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
lab=${CRISP_LAB_DIR:-/var/lib/crisp-lab}
work=$lab/images
registry=${CRISP_LAB_REGISTRY:-127.0.0.1:5000}
tls_registry=${CRISP_LAB_TLS_REGISTRY:-127.0.0.1:5443}
creds=crisp:crisp-secret
# shellcheck source=images/lib.sh
source "$here/hack/images/lib.sh"
# shellcheck source=images/recipes.sh
source "$here/hack/images/recipes.sh"

check() {
  local failed=0 entry target
  for entry in "${IMAGES[@]}"; do
    read -r target _ _ <<<"$entry"
    if skopeo inspect --tls-verify=false "docker://$registry/$target" >/dev/null; then
      printf 'ok    localhost:%s/%s\n' "${registry##*:}" "$target"
    else
      printf 'FAIL  localhost:%s/%s\n' "${registry##*:}" "$target"
      failed=1
    fi
  done
  if skopeo inspect --creds "$creds" --cert-dir "$lab/tls" \
    "docker://$tls_registry/$PRIVATE_TARGET" >/dev/null; then
    printf 'ok    %s/%s (TLS, basic auth)\n' "$tls_registry" "$PRIVATE_TARGET"
  else
    printf 'FAIL  %s/%s (TLS, basic auth)\n' "$tls_registry" "$PRIVATE_TARGET"
    failed=1
  fi
  return "$failed"
}

inputs_key() {
  {
    cat "$here/hack/test-images.sh" "$here"/hack/images/*.{c,py,sh}
    sha256sum "$(busybox_deb)"
    dpkg-query -W util-linux libc6
  } | sha256sum
}

build() {
  local key
  key=$(inputs_key)
  if [[ -s $layout/index.json && $(cat "$cache/build.key" 2>/dev/null) == "$key" ]]; then
    log "images up to date in $layout"
    return
  fi
  log "building images in $layout"
  rm -f "$cache/build.key"
  build_images
  ob gc --layout "$layout"
  rm -rf "$stage"
  printf '%s\n' "$key" >"$cache/build.key"
}

push_private() {
  local src have
  src=$(registry_digest "http://$registry/v2/${PRIVATE_SOURCE%:*}/manifests/${PRIVATE_SOURCE##*:}")
  if ! curl -sf --max-time 5 --cacert "$lab/tls/ca.crt" -o /dev/null \
    -u "$creds" "https://$tls_registry/v2/"; then
    log "WARNING: TLS registry $tls_registry is down: $PRIVATE_TARGET not copied"
    return
  fi
  have=$(registry_digest -u "$creds" --cacert "$lab/tls/ca.crt" \
    "https://$tls_registry/v2/${PRIVATE_TARGET%:*}/manifests/${PRIVATE_TARGET##*:}")
  [[ -n $have && $have == "$src" ]] && return
  skopeo copy -q --src-tls-verify=false --preserve-digests \
    --dest-creds "$creds" --dest-cert-dir "$lab/tls" \
    "docker://$registry/$PRIVATE_SOURCE" "docker://$tls_registry/$PRIVATE_TARGET" >/dev/null
  log "pushed $tls_registry/$PRIVATE_TARGET"
}

summary() {
  local entry target
  printf '\n%-62s %s\n' "image (localhost:${registry##*:}/...)" "digest"
  for entry in "${IMAGES[@]}"; do
    read -r target _ _ <<<"$entry"
    printf '%-62s %s\n' "$target" "$(tail -1 "$cache/pushed/${target//\//_}")"
  done
  printf '%-62s %s\n' "$tls_registry/$PRIVATE_TARGET" "(TLS, user crisp)"
}

main() {
  if [[ ${1:-} == --check ]]; then
    check
    return
  fi
  [[ $# -eq 0 ]] || { echo "usage: $0 [--check]" >&2; return 2; }
  if ! curl -sf --max-time 5 -o /dev/null "http://$registry/v2/"; then
    log "registry $registry is not up: run hack/registry.sh start"
    return 1
  fi
  mkdir -p "$layout" "$layers" "$bin" "$cache"
  build
  local entry target ref format
  for entry in "${IMAGES[@]}"; do
    read -r target ref format <<<"$entry"
    push "$target" "$ref" "$format"
  done
  push_private
  summary
}

main "$@"
