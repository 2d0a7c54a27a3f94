#!/usr/bin/env python3
"""Reads a Docker-save image tarball (what `mvn -Pimage package` writes) without Docker.

    image_tar.py check  IMAGE.tar [--version V]   check the image contract (exit 1 on a failure)
    image_tar.py unpack IMAGE.tar ROOTFS          unpack the layers, in order, into ROOTFS
    image_tar.py show   IMAGE.tar                 print the config JSON
    image_tar.py size   IMAGE.tar                 sizes: tarball, layers compressed and unpacked
    image_tar.py run-args IMAGE.tar               the entrypoint + cmd, NUL-separated
    image_tar.py env    IMAGE.tar                 the image's environment, NUL-separated
"""
import gzip
import json
import os
import shutil
import stat
import sys
import tarfile

# The contract the Kubernetes manifests rely on (README "Container image").
EXPECTED_ENV = {
    "CAMEL_MAIN_PROFILE": "aws",
    "MODELLOOP_DATA": "/var/lib/modelloop",
    "MODELLOOP_CONFIG": "/app/config",
    "MODELLOOP_ROUTES_DIR": "/app/routes",
    "DJL_CACHE_DIR": "/var/lib/modelloop/djl-cache",
    "ENGINE_CACHE_DIR": "/var/lib/modelloop/djl-cache",
}
EXPECTED_JVM_FLAGS = ["-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp"]


def read(image):
    with tarfile.open(image) as t:
        manifest = json.load(t.extractfile("manifest.json"))[0]
        config = json.load(t.extractfile(manifest["Config"]))
    return manifest, config


def env_map(config):
    return dict(e.split("=", 1) for e in config["config"].get("Env", []))


def layer_fileobj(t, name):
    raw = t.extractfile(name)
    head = raw.read(2)
    raw.seek(0)
    return gzip.GzipFile(fileobj=raw) if head == b"\x1f\x8b" else raw


def unpack(image, rootfs):
    """Applies the layers like a container runtime: in order, whiteouts delete, owners kept."""
    manifest, _ = read(image)
    os.makedirs(rootfs, exist_ok=True)
    root = os.path.realpath(rootfs)
    with tarfile.open(image) as t:
        for layer in manifest["Layers"]:
            with tarfile.open(fileobj=layer_fileobj(t, layer), mode="r|") as lt:
                for m in lt:
                    name = os.path.normpath(m.name.lstrip("/"))
                    if name == ".":
                        continue
                    base = os.path.basename(name)
                    parent = os.path.join(root, os.path.dirname(name))
                    if base == ".wh..wh..opq":
                        for child in os.listdir(parent):
                            remove(os.path.join(parent, child))
                        continue
                    if base.startswith(".wh."):
                        remove(os.path.join(parent, base[4:]))
                        continue
                    target = os.path.join(root, name)
                    if not os.path.realpath(os.path.dirname(target)).startswith(root):
                        raise SystemExit(f"unsafe path in {layer}: {m.name}")
                    if os.path.lexists(target) and not (m.isdir() and os.path.isdir(target)):
                        remove(target)
                    if m.islnk():
                        os.link(os.path.join(root, os.path.normpath(m.linkname.lstrip("/"))), target)
                        continue
                    m.name = name
                    lt.extract(m, root, set_attrs=True, numeric_owner=True, filter="fully_trusted") \
                        if sys.version_info >= (3, 12) else lt.extract(m, root, set_attrs=True, numeric_owner=True)
                    if m.isdir():
                        os.chmod(target, m.mode)


def remove(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.remove(path)


def check(image, version):
    manifest, config = read(image)
    c = config["config"]
    failures = []

    def expect(ok, what):
        print(("ok    " if ok else "FAIL  ") + what)
        if not ok:
            failures.append(what)

    tags = manifest.get("RepoTags") or []
    expect("modelloop:latest" in tags, f"tagged modelloop:latest ({tags})")
    if version:
        expect(f"modelloop:{version}" in tags, f"tagged modelloop:{version}")
    expect(config.get("os") == "linux" and config.get("architecture") == "amd64", "linux/amd64")
    expect(c.get("User") in ("10001:10001", "10001"), f"user 10001:10001 ({c.get('User')})")
    expect(c.get("WorkingDir") == "/app", f"working directory /app ({c.get('WorkingDir')})")
    ports = set((c.get("ExposedPorts") or {}).keys())
    expect(ports == {"8080/tcp", "8081/tcp"}, f"ports 8080 and 8081 ({sorted(ports)})")
    vols = set((c.get("Volumes") or {}).keys())
    expect({"/var/lib/modelloop", "/tmp"} <= vols, f"volumes /var/lib/modelloop and /tmp ({sorted(vols)})")
    env = env_map(config)
    for k, v in EXPECTED_ENV.items():
        expect(env.get(k) == v, f"env {k}={v} ({env.get(k)})")
    expect("JAVA_HOME" in env and "/usr/bin" in env.get("PATH", ""), "env JAVA_HOME and PATH")
    ep = c.get("Entrypoint") or []
    expect(ep[:1] == ["java"] and ep[-1:] == ["io.modelloop.cli.App"], f"entrypoint java ... io.modelloop.cli.App")
    for flag in EXPECTED_JVM_FLAGS:
        expect(flag in ep, f"JVM flag {flag}")
    expect(not any(f.startswith(("-Xmx", "-Xms")) for f in ep), "no fixed heap size (-Xmx/-Xms)")
    expect((c.get("Cmd") or []) == ["run"], f"command run ({c.get('Cmd')})")

    # files: config and routes copied in, data folder writable, the app's classpath present
    seen = {}
    with tarfile.open(image) as t:
        for layer in manifest["Layers"]:
            with tarfile.open(fileobj=layer_fileobj(t, layer), mode="r|") as lt:
                for m in lt:
                    seen[os.path.normpath("/" + m.name.lstrip("/"))] = m
    expect("/app/config/application.properties" in seen and "/app/config/application-aws.properties" in seen,
           "config/ copied to /app/config")
    routes = sorted(p for p in seen if p.startswith("/app/routes/") and p.endswith(".yaml"))
    expect(len(routes) > 0, f"routes/ copied to /app/routes ({len(routes)} YAML files)")
    data = seen.get("/var/lib/modelloop")
    expect(data is not None and data.isdir() and stat.S_IMODE(data.mode) & 0o002,
           "/var/lib/modelloop exists and is writable by user 10001 without a volume")
    expect("/app/jib-classpath-file" in seen, "classpath file /app/jib-classpath-file")
    expect(any("pytorch-native-cpu" in p for p in seen if p.startswith("/app/libs/")),
           "libtorch native jar (pytorch-native-cpu) in /app/libs")
    expect(any(p.startswith("/usr/lib/jvm/") and p.endswith("/bin/java") for p in seen) or "/opt/java/openjdk/bin/java" in seen,
           "a Java runtime in the base image")
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


def sizes(image):
    manifest, _ = read(image)
    total = os.path.getsize(image)
    unpacked = 0
    with tarfile.open(image) as t:
        compressed = sum(t.getmember(layer).size for layer in manifest["Layers"])
        for layer in manifest["Layers"]:
            with tarfile.open(fileobj=layer_fileobj(t, layer), mode="r|") as lt:
                unpacked += sum(m.size for m in lt if m.isreg())
    mib = 1024 * 1024
    print(f"tarball {total / mib:.0f} MiB; layers {compressed / mib:.0f} MiB compressed, "
          f"{unpacked / mib:.0f} MiB of files unpacked; {len(manifest['Layers'])} layers")


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    cmd, image = sys.argv[1], sys.argv[2]
    if cmd == "check":
        version = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--version" else None
        sys.exit(check(image, version))
    elif cmd == "unpack":
        unpack(image, sys.argv[3])
    elif cmd == "show":
        print(json.dumps(read(image)[1], indent=2))
    elif cmd == "size":
        sizes(image)
    elif cmd == "run-args":
        c = read(image)[1]["config"]
        sys.stdout.write("\0".join((c.get("Entrypoint") or []) + (c.get("Cmd") or [])) + "\0")
    elif cmd == "env":
        sys.stdout.write("\0".join(read(image)[1]["config"].get("Env", [])) + "\0")
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
