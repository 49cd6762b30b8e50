#!/usr/bin/env python3
"""Writes OCI images by hand into an OCI image layout (no docker, no buildah).

  ocibuild.py layer --layout DIR --compression gzip|zstd|none --out DESC ROOT
      Tars the directory ROOT (sorted, fixed mtime, numeric owners as on
      disk, hard links kept, `.wh.*` files as they are), compresses it, stores
      the blob and writes its descriptor (with the diff_id) to DESC.
  ocibuild.py image --layout DIR --ref NAME [--arch A] [--config JSON]
                    [--label K=V]... DESC...
      Writes the image config and manifest of those layers and tags the
      manifest NAME in index.json. Prints the manifest digest.
  ocibuild.py index --layout DIR --ref NAME REF...
      Writes an image index of the manifests tagged REF... (platforms taken
      from their configs) and tags it NAME. Prints the index digest.

  ocibuild.py gc --layout DIR
      Deletes the blobs no tagged image refers to.

Output is reproducible: the same inputs give the same digests.
"""
import argparse
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

EPOCH = 1704067200  # 2024-01-01T00:00:00Z: every mtime and "created"
CREATED = "2024-01-01T00:00:00Z"
MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_LAYER = {
    "gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
    "zstd": "application/vnd.oci.image.layer.v1.tar+zstd",
    "none": "application/vnd.oci.image.layer.v1.tar",
}
REF_KEY = "org.opencontainers.image.ref.name"


def canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def init_layout(layout: str) -> None:
    os.makedirs(os.path.join(layout, "blobs", "sha256"), exist_ok=True)
    marker = os.path.join(layout, "oci-layout")
    if not os.path.exists(marker):
        with open(marker, "w") as f:
            f.write('{"imageLayoutVersion":"1.0.0"}')
    if not os.path.exists(os.path.join(layout, "index.json")):
        write_index_json(layout, [])


def blob_path(layout: str, digest: str) -> str:
    return os.path.join(layout, "blobs", "sha256", digest.split(":", 1)[1])


def put_blob_bytes(layout: str, data: bytes) -> str:
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    path = blob_path(layout, digest)
    if not os.path.exists(path):
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    return digest


def read_blob_json(layout: str, digest: str):
    with open(blob_path(layout, digest), "rb") as f:
        return json.load(f)


def write_index_json(layout: str, manifests) -> None:
    path = os.path.join(layout, "index.json")
    with open(path + ".tmp", "wb") as f:
        f.write(canonical({"schemaVersion": 2, "mediaType": MT_INDEX,
                           "manifests": manifests}))
    os.replace(path + ".tmp", path)


def load_index_json(layout: str):
    with open(os.path.join(layout, "index.json")) as f:
        return json.load(f)["manifests"]


def tag(layout: str, ref: str, desc: dict) -> None:
    entries = [m for m in load_index_json(layout)
               if m.get("annotations", {}).get(REF_KEY) != ref]
    entry = dict(desc)
    entry["annotations"] = {REF_KEY: ref}
    entries.append(entry)
    entries.sort(key=lambda m: m["annotations"][REF_KEY])
    write_index_json(layout, entries)


def lookup(layout: str, ref: str) -> dict:
    for m in load_index_json(layout):
        if m.get("annotations", {}).get(REF_KEY) == ref:
            return m
    sys.exit(f"ocibuild: no image tagged {ref!r} in {layout}")


class HashingWriter:
    """A file object that hashes what passes through it."""

    def __init__(self, out):
        self.out, self.sha, self.size = out, hashlib.sha256(), 0

    def write(self, data):
        self.sha.update(data)
        self.size += len(data)
        return self.out.write(data)

    def flush(self):
        self.out.flush()


def walk(root: str, rel: str = ""):
    """Yields (relative path, absolute path) depth first, sorted by name."""
    with os.scandir(os.path.join(root, rel) if rel else root) as it:
        names = sorted(e.name for e in it)
    for name in names:
        r = f"{rel}/{name}" if rel else name
        full = os.path.join(root, r)
        yield r, full
        if os.path.isdir(full) and not os.path.islink(full):
            yield from walk(root, r)


def write_tar(root: str, out) -> None:
    # gettarinfo turns the second and later names of a multiply linked file
    # into hard links to the first one archived.
    with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        for rel, full in walk(root):
            st = os.lstat(full)
            info = tar.gettarinfo(full, arcname=rel)
            info.mtime, info.uname, info.gname = EPOCH, "", ""
            info.uid, info.gid = st.st_uid, st.st_gid
            info.mode = st.st_mode & 0o7777
            if info.isreg():
                with open(full, "rb") as f:
                    tar.addfile(info, f)
            elif info.isdir() or info.issym() or info.islnk():
                tar.addfile(info)
            else:
                sys.exit(f"ocibuild: unsupported file type: {full}")


def compress(tar_path: str, kind: str, out) -> None:
    with open(tar_path, "rb") as src:
        if kind == "none":
            shutil.copyfileobj(src, out, 1 << 20)
        elif kind == "gzip":
            with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0,
                               compresslevel=6) as gz:
                shutil.copyfileobj(src, gz, 1 << 20)
        else:
            proc = subprocess.run(["zstd", "-q", "-c", "-3", "--no-progress"],
                                  stdin=src, stdout=subprocess.PIPE, check=True)
            out.write(proc.stdout)


def cmd_layer(a) -> None:
    init_layout(a.layout)
    tmpdir = tempfile.mkdtemp(dir=a.layout, prefix=".layer-")
    try:
        tar_path = os.path.join(tmpdir, "layer.tar")
        with open(tar_path, "wb") as f:
            plain = HashingWriter(f)
            write_tar(a.root, plain)
        blob_tmp = os.path.join(tmpdir, "blob")
        with open(blob_tmp, "wb") as f:
            packed = HashingWriter(f)
            compress(tar_path, a.compression, packed)
        digest = "sha256:" + packed.sha.hexdigest()
        os.replace(blob_tmp, blob_path(a.layout, digest))
    finally:
        shutil.rmtree(tmpdir)
    desc = {"mediaType": MT_LAYER[a.compression], "digest": digest,
            "size": packed.size, "diff_id": "sha256:" + plain.sha.hexdigest(),
            "comment": a.comment or os.path.basename(a.root)}
    with open(a.out, "w") as f:
        json.dump(desc, f, sort_keys=True)


def cmd_image(a) -> None:
    init_layout(a.layout)
    layers = []
    for path in a.layers:
        with open(path) as f:
            layers.append(json.load(f))
    conf = json.loads(a.config) if a.config else {}
    labels = dict(conf.get("Labels") or {})
    for kv in a.label:
        k, _, v = kv.partition("=")
        labels[k] = v
    if labels:
        conf["Labels"] = labels
    config = {
        "created": CREATED, "architecture": a.arch, "os": "linux",
        "config": conf,
        "rootfs": {"type": "layers", "diff_ids": [l["diff_id"] for l in layers]},
        "history": [{"created": CREATED,
                     "created_by": "crisp lab: " + l["comment"]} for l in layers],
    }
    if a.variant:
        config["variant"] = a.variant
    config_bytes = canonical(config)
    manifest = {
        "schemaVersion": 2, "mediaType": MT_MANIFEST,
        "config": {"mediaType": MT_CONFIG, "size": len(config_bytes),
                   "digest": put_blob_bytes(a.layout, config_bytes)},
        "layers": [{"mediaType": l["mediaType"], "digest": l["digest"],
                    "size": l["size"]} for l in layers],
    }
    data = canonical(manifest)
    digest = put_blob_bytes(a.layout, data)
    tag(a.layout, a.ref, {"mediaType": MT_MANIFEST, "digest": digest,
                          "size": len(data)})
    print(digest)


def cmd_index(a) -> None:
    manifests = []
    for ref in a.refs:
        desc = lookup(a.layout, ref)
        config = read_blob_json(a.layout,
                                read_blob_json(a.layout, desc["digest"])["config"]["digest"])
        platform = {"architecture": config["architecture"], "os": config["os"]}
        if config.get("variant"):
            platform["variant"] = config["variant"]
        manifests.append({"mediaType": desc["mediaType"], "digest": desc["digest"],
                          "size": desc["size"], "platform": platform})
    data = canonical({"schemaVersion": 2, "mediaType": MT_INDEX,
                      "manifests": manifests})
    digest = put_blob_bytes(a.layout, data)
    tag(a.layout, a.ref, {"mediaType": MT_INDEX, "digest": digest,
                          "size": len(data)})
    print(digest)


def cmd_gc(a) -> None:
    live = set()
    todo = [m["digest"] for m in load_index_json(a.layout)]
    while todo:
        digest = todo.pop()
        if digest in live:
            continue
        live.add(digest)
        with open(blob_path(a.layout, digest), "rb") as f:
            head = f.read(1)
        if head != b"{":
            continue  # a layer
        doc = read_blob_json(a.layout, digest)
        if doc.get("schemaVersion") != 2:
            continue  # an image config
        if "config" in doc:
            todo.append(doc["config"]["digest"])
        todo += [d["digest"] for d in doc.get("layers", []) + doc.get("manifests", [])]
    blobs = os.path.join(a.layout, "blobs", "sha256")
    for name in os.listdir(blobs):
        if "sha256:" + name not in live:
            os.remove(os.path.join(blobs, name))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    l = sub.add_parser("layer")
    l.add_argument("--layout", required=True)
    l.add_argument("--compression", choices=sorted(MT_LAYER), default="gzip")
    l.add_argument("--out", required=True)
    l.add_argument("--comment")
    l.add_argument("root")
    i = sub.add_parser("image")
    i.add_argument("--layout", required=True)
    i.add_argument("--ref", required=True)
    i.add_argument("--arch", default="amd64")
    i.add_argument("--variant")
    i.add_argument("--config", help="the config's `config` object, as JSON")
    i.add_argument("--label", action="append", default=[])
    i.add_argument("layers", nargs="+")
    x = sub.add_parser("index")
    x.add_argument("--layout", required=True)
    x.add_argument("--ref", required=True)
    x.add_argument("refs", nargs="+")
    g = sub.add_parser("gc")
    g.add_argument("--layout", required=True)
    a = p.parse_args()
    {"layer": cmd_layer, "image": cmd_image, "index": cmd_index,
     "gc": cmd_gc}[a.cmd](a)


if __name__ == "__main__":
    main()
