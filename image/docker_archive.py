#!/usr/bin/env python3
"""Writes a folder as a one-layer image in Docker-save format (what `docker save` writes and
what `docker load`, `kind load image-archive`, `skopeo copy docker-archive:` and Jib's
`tar://` base images read): manifest.json, a config JSON and one uncompressed layer tar.

    docker_archive.py ROOTFS OUT.tar --tag NAME:TAG --env KEY=VALUE ...

Files are stored with numeric owners, sorted, with modification times clamped to
SOURCE_DATE_EPOCH when it is set; /dev, /proc and /sys are stored empty.
"""
import argparse
import hashlib
import io
import json
import os
import tarfile
import tempfile
import time

EMPTY_DIRS = {"dev", "proc", "sys", "run/lock"}


def write_layer(rootfs, path, epoch):
    def add(tar, full, arc):
        info = tar.gettarinfo(full, arcname=arc)
        info.uname = info.gname = ""
        if epoch is not None and info.mtime > epoch:
            info.mtime = epoch
        if info.isreg():
            with open(full, "rb") as f:
                tar.addfile(info, f)
        else:
            tar.addfile(info)

    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        for dirpath, dirnames, filenames in os.walk(rootfs):
            dirnames.sort()
            rel = os.path.relpath(dirpath, rootfs)
            if rel != ".":
                add(tar, dirpath, rel)
                if rel in EMPTY_DIRS:
                    dirnames[:] = []
                    continue
            # symlinks to folders are listed in dirnames but not followed by os.walk
            for name in sorted(filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]):
                full = os.path.join(dirpath, name)
                add(tar, full, name if rel == "." else os.path.join(rel, name))


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("rootfs")
    p.add_argument("out")
    p.add_argument("--tag", required=True)
    p.add_argument("--env", action="append", default=[])
    p.add_argument("--arch", default="amd64")
    a = p.parse_args()
    epoch = int(os.environ["SOURCE_DATE_EPOCH"]) if "SOURCE_DATE_EPOCH" in os.environ else None
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch if epoch is not None else time.time()))

    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(a.out))) as tmp:
        layer = os.path.join(tmp, "layer.tar")
        write_layer(a.rootfs, layer, epoch)
        diff_id = "sha256:" + sha256(layer)
        config = {
            "architecture": a.arch,
            "os": "linux",
            "created": created,
            "config": {"Env": a.env, "Cmd": ["/bin/sh"], "WorkingDir": "/"},
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
            "history": [{"created": created, "created_by": "debootstrap (image/debian-jre-base.sh)"}],
        }
        config_bytes = json.dumps(config, indent=2).encode()
        config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
        layer_name = diff_id[7:] + "/layer.tar"
        manifest = [{"Config": config_name, "RepoTags": [a.tag], "Layers": [layer_name]}]

        with tarfile.open(a.out, "w", format=tarfile.PAX_FORMAT) as out:
            def add_bytes(name, data):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                info.mtime = epoch or 0
                out.addfile(info, io.BytesIO(data))
            add_bytes(config_name, config_bytes)
            out.add(layer, arcname=layer_name)
            add_bytes("manifest.json", json.dumps(manifest).encode())
            tag_name, _, tag = a.tag.rpartition(":")
            add_bytes("repositories", json.dumps({tag_name: {tag: diff_id[7:]}}).encode())
    print(f"{a.out}: {a.tag}, layer {diff_id}")


if __name__ == "__main__":
    main()
