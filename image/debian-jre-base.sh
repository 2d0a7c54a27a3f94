#!/bin/sh
# Builds a Java 17 base image from Debian packages without a Docker daemon or a container
# registry, as a Docker-save tarball that Jib accepts as its base:
#
#   image/debian-jre-base.sh                       # -> target/image-base/debian-jre17-base.tar
#   mvn -B -Pimage package -DskipTests -Dimage.base=tar://$PWD/target/image-base/debian-jre17-base.tar
#
# Needs root (debootstrap) and the debootstrap package (apt-get install -y debootstrap).
# Environment: OUT (tarball), MIRROR (default: the first URI apt uses here, else
# http://deb.debian.org/debian), SUITE (bookworm), WORK (scratch folder for the root FS).
set -eu

cd "$(dirname "$0")/.."
OUT=${OUT:-$PWD/target/image-base/debian-jre17-base.tar}
SUITE=${SUITE:-bookworm}
WORK=${WORK:-$PWD/target/image-base/work}
if [ -z "${MIRROR:-}" ]; then
    MIRROR=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
    MIRROR=${MIRROR:-http://deb.debian.org/debian}
fi
ROOTFS=$WORK/rootfs

[ "$(id -u)" = 0 ] || { echo "debian-jre-base.sh: run as root (debootstrap needs it)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "debian-jre-base.sh: apt-get install -y debootstrap" >&2; exit 1; }

rm -rf "$ROOTFS"
mkdir -p "$WORK" "$(dirname "$OUT")"
echo "debootstrap $SUITE from $MIRROR into $ROOTFS"
debootstrap --variant=minbase \
    --include=openjdk-17-jre-headless,ca-certificates,libgomp1 \
    "$SUITE" "$ROOTFS" "$MIRROR"

# Trim: package caches and lists, documentation, logs; nothing the JVM reads at run time.
rm -rf "$ROOTFS"/var/cache/apt/* "$ROOTFS"/var/lib/apt/lists/* \
       "$ROOTFS"/var/cache/debconf/*-old "$ROOTFS"/var/lib/dpkg/*-old \
       "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/* \
       "$ROOTFS"/usr/share/lintian "$ROOTFS"/usr/share/linda \
       "$ROOTFS"/var/log/* "$ROOTFS"/tmp/* "$ROOTFS"/var/tmp/* "$ROOTFS"/root/.cache
find "$ROOTFS"/usr/share/locale -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} + 2>/dev/null || true
# the image's own apt sources: the public mirror, not whatever this machine uses
printf 'deb http://deb.debian.org/debian %s main\n' "$SUITE" > "$ROOTFS"/etc/apt/sources.list
rm -f "$ROOTFS"/etc/apt/sources.list.d/*.sources "$ROOTFS"/etc/hostname "$ROOTFS"/etc/resolv.conf
# the application user, numeric 10001 (runAsNonRoot), so getpwuid() and the JVM's user.name work
echo 'modelloop:x:10001:10001:ModelLoop:/app:/usr/sbin/nologin' >> "$ROOTFS"/etc/passwd
echo 'modelloop:x:10001:' >> "$ROOTFS"/etc/group
echo 'modelloop:!:19000::::::' >> "$ROOTFS"/etc/shadow
chmod 1777 "$ROOTFS"/tmp

JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$ROOTFS"/usr/bin/java)")")
JAVA_HOME=${JAVA_HOME#"$ROOTFS"}
python3 image/docker_archive.py "$ROOTFS" "$OUT" \
    --tag "modelloop-base:debian-$SUITE-jre17" \
    --env "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --env "JAVA_HOME=$JAVA_HOME" \
    --env "LANG=C.UTF-8"
ls -l "$OUT"
