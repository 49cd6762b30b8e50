# shellcheck shell=bash disable=SC2154
# Helpers of hack/test-images.sh (sourced). Expects: $here (repo root),
# $work (build dir), $registry (plain lab registry, host:port).
ob() { python3 "$here/hack/images/ocibuild.py" "$@"; }
layout=$work/oci      # one OCI image layout holding every lab image
layers=$work/layers   # layer descriptors (JSON), by layer name
stage=$work/stage     # directory trees that become layers
bin=$work/bin         # the static stand-in programs
cache=$work/cache     # downloaded .debs, stamps

log() { printf 'test-images: %s\n' "$*" >&2; }

# A fresh, empty staging directory named $1; prints its path.
stage_dir() {
  rm -rf "${stage:?}/$1"
  mkdir -p "$stage/$1"
  printf '%s\n' "$stage/$1"
}

# mklayer NAME gzip|zstd|none DIR: a layer from DIR, descriptor in $layers.
mklayer() {
  ob layer --layout "$layout" --compression "$2" --comment "$1 ($2)" \
    --out "$layers/$1.json" "$3"
}

# mkimage REF [ocibuild image options] -- LAYER...: an image tagged REF in
# the layout, made of the named layers.
mkimage() {
  local ref=$1 opts=() descs=() l
  shift
  while (($#)) && [[ $1 != -- ]]; do opts+=("$1"); shift; done
  shift
  for l in "$@"; do descs+=("$layers/$l.json"); done
  ob image --layout "$layout" --ref "$ref" "${opts[@]}" "${descs[@]}" >/dev/null
}

# An image config's `config` object as JSON, from NAME=JSON arguments on top
# of the default PATH, e.g. config Cmd='["sh"]' User='"1002"'.
config() {
  local args=() expr='{Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}'
  for kv in "$@"; do
    args+=(--argjson "${kv%%=*}" "${kv#*=}")
    expr+=" + {${kv%%=*}: \$${kv%%=*}}"
  done
  jq -cn "${args[@]}" "$expr"
}

# compile NAME SOURCE [CFLAGS...]: a static program in $bin, rebuilt only
# when the source, the flags or the compiler changed.
compile() {
  local name=$1 src=$here/hack/images/$2
  shift 2
  local key
  key=$( { cat "$src"; echo "$*"; gcc --version | head -1; } | sha256sum)
  if [[ -x $bin/$name && $(cat "$bin/$name.key" 2>/dev/null) == "$key" ]]; then
    return
  fi
  gcc -static -O2 -s -Wall -Wextra "$@" -o "$bin/$name" "$src"
  printf '%s\n' "$key" >"$bin/$name.key"
}

# Debian's dynamic busybox .deb, kept in $cache/debs: downloaded once with
# apt-get, or copied from apt's own cache when the mirror is unreachable.
busybox_deb() {
  local dir=$cache/debs deb
  mkdir -p "$dir"
  deb=$(compgen -G "$dir/busybox_*.deb" | head -1 || true)
  if [[ -z $deb ]]; then
    (cd "$dir" && apt-get download -q -o APT::Sandbox::User=root busybox \
      >/dev/null 2>&1) ||
      (apt-get update -q >/dev/null 2>&1 && cd "$dir" &&
        apt-get download -q -o APT::Sandbox::User=root busybox >/dev/null 2>&1) ||
      cp /var/cache/apt/archives/busybox_*_"$(dpkg --print-architecture)".deb \
        "$dir/" 2>/dev/null ||
      { log "cannot get Debian's busybox .deb (apt-get download busybox)"; return 1; }
    deb=$(compgen -G "$dir/busybox_*.deb" | head -1)
  fi
  printf '%s\n' "$deb"
}

# The digest the registry serves for REPO:TAG (any manifest kind), or "".
registry_digest() {
  { curl -sfI --max-time 10 \
    -H 'Accept: application/vnd.oci.image.index.v1+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "$@" || true; } | tr -d '\r' | awk -F': ' 'tolower($1) == "docker-content-digest" {print $2}'
}

# The digest of the image tagged REF in the layout.
layout_digest() {
  jq -r --arg r "$1" \
    '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $r) | .digest' \
    "$layout/index.json"
}

# push TARGET REF FORMAT: copies the layout's REF to $registry/TARGET unless
# the registry already serves what the last push of that same image left.
push() {
  local target=$1 ref=$2 format=$3 stamp want have
  stamp=$cache/pushed/${target//\//_}
  want="$(layout_digest "$ref") $format"
  if [[ -s $stamp && $(head -1 "$stamp") == "$want" ]]; then
    have=$(registry_digest "http://$registry/v2/${target%:*}/manifests/${target##*:}")
    if [[ -n $have && $have == "$(tail -1 "$stamp")" ]]; then
      return 0
    fi
  fi
  local opts=(--dest-tls-verify=false)
  case $format in
    v2s2) opts+=(--format v2s2) ;;
    oci) opts+=(--preserve-digests) ;;
    oci-all) opts+=(--preserve-digests --all) ;;
  esac
  mkdir -p "$cache/pushed"
  skopeo copy -q "${opts[@]}" --digestfile "$stamp.digest" \
    "oci:$layout:$ref" "docker://$registry/$target" >/dev/null
  printf '%s\n%s\n' "$want" "$(cat "$stamp.digest")" >"$stamp"
  rm -f "$stamp.digest"
  log "pushed $target"
}
