# shellcheck shell=bash disable=SC2154,SC2034
# The lab images (sourced by hack/test-images.sh after lib.sh).
# Debian package architecture names are Go's for amd64 and arm64.
arch=$(dpkg --print-architecture)

# What is pushed where. Columns: repository:tag in the lab registry, the
# image's name in the OCI layout, push format (v2s2: Docker schema 2 as the
# upstream images are; oci: kept as built; oci-all: an index and all its
# images). Upstream names map as registry.k8s.io/X -> X,
# gcr.io/k8s-staging-cri-tools/X -> k8s-staging-cri-tools/X,
# docker.io/library/X -> library/X, public.ecr.aws/X -> X.
IMAGES=(
  "e2e-test-images/busybox:1.29-2 busybox v2s2"
  "e2e-test-images/nginx:1.14-2 nginx v2s2"
  "e2e-test-images/httpd:2.4.39-4 httpd v2s2"
  "e2e-test-images/nonewprivs:1.3 nonewprivs v2s2"
  "pause:3.9 pause v2s2"
  "k8s-staging-cri-tools/hostnet-nginx-$arch:latest hostnet-nginx v2s2"
  "k8s-staging-cri-tools/test-image-1:latest test-image-1 v2s2"
  "k8s-staging-cri-tools/test-image-2:latest test-image-2 v2s2"
  "k8s-staging-cri-tools/test-image-3:latest test-image-3 v2s2"
  "k8s-staging-cri-tools/test-image-latest:latest test-image-latest v2s2"
  "k8s-staging-cri-tools/test-image-tag:test test-image-tag-test v2s2"
  "k8s-staging-cri-tools/test-image-tag:all test-image-tag-all v2s2"
  "k8s-staging-cri-tools/test-image-tags:1 test-image-tags v2s2"
  "k8s-staging-cri-tools/test-image-tags:2 test-image-tags v2s2"
  "k8s-staging-cri-tools/test-image-tags:3 test-image-tags v2s2"
  "k8s-staging-cri-tools/test-image-user-uid:latest user-uid v2s2"
  "k8s-staging-cri-tools/test-image-user-username:latest user-username v2s2"
  "k8s-staging-cri-tools/test-image-user-uid-group:latest user-uid-group v2s2"
  "k8s-staging-cri-tools/test-image-user-username-group:latest user-username-group v2s2"
  "k8s-staging-cri-tools/test-image-predefined-group:latest predefined-group v2s2"
  "library/busybox:latest busybox v2s2"
  "docker/library/busybox:1.35.0-glibc bench-1.35.0-glibc v2s2"
  "docker/library/busybox:1-uclibc bench-1-uclibc v2s2"
  "docker/library/busybox:1 bench-1 v2s2"
  "docker/library/busybox:1-glibc bench-1-glibc v2s2"
  "docker/library/busybox:1-musl bench-1-musl v2s2"
  "crisp/multiarch:latest multiarch oci-all"
  "crisp/layers-gzip:latest layers-gzip oci"
  "crisp/layers-zstd:latest layers-zstd oci"
  "crisp/layers-uncompressed:latest layers-uncompressed oci"
  "crisp/whiteouts:latest whiteouts oci"
  "crisp/five-layers:latest five-layers oci"
  "crisp/big:latest big oci"
)
# Also copied to the TLS + basic-auth registry (from the plain one).
PRIVATE_SOURCE=e2e-test-images/busybox:1.29-2
PRIVATE_TARGET=private/busybox:1.29-2

BIG_MIB=50
BIG_KEY=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
BIG_IV=000102030405060708090a0b0c0d0e0f

# put PATH [LINE]: a file of a staging dir, mode 0644, holding LINE and a
# newline, or empty.
put() {
  install -D -m 0644 /dev/null "$1"
  if (($# > 1)); then printf '%s\n' "$2" >"$1"; fi
}

build_busybox_family() {
  bash "$here/hack/images/busybox-rootfs.sh" "$(busybox_deb)" "$bin/pgrep" \
    "$(stage_dir busybox)"
  local c
  for kind in gzip zstd none; do mklayer "busybox-$kind" "$kind" "$stage/busybox"; done
  c=$(config Cmd='["sh"]')
  mkimage busybox --config "$c" -- busybox-gzip
  for t in 1.35.0-glibc 1-uclibc 1 1-glibc 1-musl; do
    mkimage "bench-$t" --config "$c" --label "crisp.lab.image=busybox:$t" -- busybox-gzip
  done
  for n in test-image-1 test-image-2 test-image-3 test-image-latest same-image test all; do
    put "$(stage_dir "file-$n")/$n"
    mklayer "file-$n" gzip "$stage/file-$n"
  done
  for n in test-image-1 test-image-2 test-image-3 test-image-latest; do
    mkimage "$n" --config "$c" -- busybox-gzip "file-$n"
  done
  mkimage test-image-tags --config "$c" -- busybox-gzip file-same-image
  mkimage test-image-tag-test --config "$c" -- busybox-gzip file-test
  mkimage test-image-tag-all --config "$c" -- busybox-gzip file-all
}

build_user_images() {
  local -A users=([user-uid]=1002 [user-username]=www-data
    [user-uid-group]=1003:1004 [user-username-group]=www-data:1004)
  for name in "${!users[@]}"; do
    mkimage "$name" --config "$(config Cmd='["sh"]' User="\"${users[$name]}\"")" \
      -- busybox-gzip
  done
  # adduser -u 1000 default-user; addgroup -g 50000 group-defined-in-image;
  # addgroup default-user group-defined-in-image
  local d
  d=$(stage_dir predefined-group)
  put "$d/etc/passwd" "$(cat "$stage/busybox/etc/passwd")
default-user:x:1000:1000:Linux User,,,:/home/default-user:/bin/sh"
  put "$d/etc/group" "$(cat "$stage/busybox/etc/group")
default-user:x:1000:
group-defined-in-image:x:50000:default-user"
  install -d -m 0755 -o 1000 -g 1000 "$d/home/default-user"
  mklayer predefined-group gzip "$d"
  mkimage predefined-group --config "$(config Cmd='["sh"]' User='"1000"')" \
    -- busybox-gzip predefined-group
}

build_servers() {
  local d
  d=$(stage_dir nginx)
  install -D -m 0755 "$bin/nginx" "$d/usr/sbin/nginx"
  install -d "$d/var/run" "$d/var/log/nginx"
  put "$d/usr/share/nginx/html/index.html" "<h1>Welcome to nginx!</h1>"
  mklayer nginx gzip "$d"
  mkimage nginx --config "$(config Cmd='["nginx","-g","daemon off;"]' \
    ExposedPorts='{"80/tcp":{}}' StopSignal='"SIGTERM"')" -- busybox-gzip nginx
  mkimage hostnet-nginx --config "$(config Cmd='["nginx","-g","daemon off;"]' \
    Env='["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","STANDIN_HTTP_PORT=12003"]' \
    ExposedPorts='{"12003/tcp":{}}' StopSignal='"SIGTERM"')" -- busybox-gzip nginx

  d=$(stage_dir httpd)
  install -D -m 0755 "$bin/httpd" "$d/usr/local/apache2/bin/httpd"
  ln "$d/usr/local/apache2/bin/httpd" "$d/usr/local/apache2/bin/httpd-foreground"
  put "$d/usr/local/apache2/htdocs/index.html" "<html><body><h1>It works!</h1></body></html>"
  mklayer httpd gzip "$d"
  mkimage httpd --config "$(config Cmd='["httpd-foreground"]' \
    Env='["PATH=/usr/local/apache2/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","HTTPD_PREFIX=/usr/local/apache2"]' \
    WorkingDir='"/usr/local/apache2"' ExposedPorts='{"80/tcp":{}}' \
    StopSignal='"SIGWINCH"')" -- busybox-gzip httpd

  d=$(stage_dir nonewprivs)
  install -D -m 4755 "$bin/nnp" "$d/usr/local/bin/nnp"
  mklayer nonewprivs gzip "$d"
  mkimage nonewprivs --config "$(config Entrypoint='["/usr/local/bin/nnp"]')" \
    -- busybox-gzip nonewprivs

  d=$(stage_dir pause)
  install -m 0755 "$bin/pause" "$d/pause"
  mklayer pause gzip "$d"
  mkimage pause --config "$(config Entrypoint='["/pause"]' User='"65535:65535"' \
    WorkingDir='"/"')" -- pause
}

build_crisp_images() {
  local d
  for kind in gzip zstd none; do
    local name=layers-$kind
    [[ $kind == none ]] && name=layers-uncompressed
    d=$(stage_dir "$name")
    put "$d/crisp/layer-kind" "${name#layers-}"
    put "$d/crisp/hello.txt" "hello from $name"
    mklayer "$name" "$kind" "$d"
    mkimage "$name" --config "$(config Cmd='["sh"]')" -- "busybox-$kind" "$name"
  done

  d=$(stage_dir multiarch-amd64)
  put "$d/crisp/arch" "amd64"
  mklayer multiarch-amd64 gzip "$d"
  mkimage multiarch-amd64 --arch amd64 --config "$(config Cmd='["sh"]')" \
    -- busybox-gzip multiarch-amd64
  d=$(stage_dir multiarch-arm64)
  put "$d/crisp/arch" "arm64 (a placeholder: no arm64 programs inside)"
  mklayer multiarch-arm64 gzip "$d"
  mkimage multiarch-arm64 --arch arm64 --variant v8 --config "$(config)" \
    -- multiarch-arm64
  ob index --layout "$layout" --ref multiarch multiarch-amd64 multiarch-arm64 >/dev/null

  d=$(stage_dir whiteouts-1)
  put "$d/a/x" "x"; put "$d/a/y" "y"; put "$d/b/z" "z"
  mklayer whiteouts-1 gzip "$d"
  d=$(stage_dir whiteouts-2)
  put "$d/a/.wh.x"; put "$d/b/.wh..wh..opq"; put "$d/b/new" "new"
  mklayer whiteouts-2 gzip "$d"
  mkimage whiteouts --config "$(config)" -- whiteouts-1 whiteouts-2

  local five=()
  for i in 1 2 3 4 5; do
    d=$(stage_dir "five-$i")
    put "$d/five/layer-$i" "$i"
    put "$d/five/top" "layer $i"
    mklayer "five-$i" gzip "$d"
    five+=("five-$i")
  done
  mkimage five-layers --config "$(config)" -- "${five[@]}"

  build_big
  mkimage big --config "$(config)" -- big
}

# ~50 MB of incompressible but reproducible bytes (AES-CTR of zeros under a
# fixed key), made once and kept while its recipe is unchanged.
build_big() {
  local key d
  key="$BIG_MIB $BIG_KEY $BIG_IV $(sha256sum <"$here/hack/images/ocibuild.py")"
  if [[ -s $layers/big.json && $(cat "$layers/big.key" 2>/dev/null) == "$key" &&
    -e $layout/blobs/sha256/$(jq -r '.digest | ltrimstr("sha256:")' "$layers/big.json") ]]; then
    return
  fi
  d=$(stage_dir big)
  mkdir -p "$d/big"
  head -c "$((BIG_MIB * 1024 * 1024))" /dev/zero |
    openssl enc -aes-256-ctr -nosalt -K "$BIG_KEY" -iv "$BIG_IV" >"$d/big/data.bin"
  chmod 0644 "$d/big/data.bin"
  mklayer big gzip "$d"
  printf '%s\n' "$key" >"$layers/big.key"
  rm -rf "$d"
}

build_images() {
  compile pause pause.c
  compile nnp nnp.c
  compile pgrep pgrep.c
  compile nginx webserver.c -DSTANDIN_NGINX
  compile httpd webserver.c -DSTANDIN_HTTPD
  build_busybox_family
  build_user_images
  build_servers
  build_crisp_images
}
