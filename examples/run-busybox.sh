#!/usr/bin/env bash
# Builds peapod if needed, makes an OCI bundle from Debian's static busybox and runs it
# with `peapod oci run`: namespaces, cgroup, pivot_root, the helper and its monitor.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if [ ! -x /bin/busybox ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null
fi
if [ ! -f cri-server/target/dist/lib/peapod.jar ]; then
  mvn -q -B -ntp package -DskipTests
fi
bundle=$(mktemp -d /tmp/peapod-demo.XXXXXX)
trap 'rm -rf "$bundle"' EXIT
mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/proc" "$bundle/rootfs/sys" "$bundle/rootfs/dev" "$bundle/rootfs/tmp"
cp /bin/busybox "$bundle/rootfs/bin/"
for applet in $(/bin/busybox --list); do [ "$applet" = busybox ] || ln -s busybox "$bundle/rootfs/bin/$applet"; done
./peapod oci spec --bundle "$bundle"
# run a script instead of the default interactive shell
sed -i 's/"terminal": true/"terminal": false/; s/"sh"$/"sh", "-c", "echo hello from peapod: pid $$ on $(hostname); cat \/proc\/self\/cgroup | head -3"/' "$bundle/config.json"
./peapod oci run --bundle "$bundle" "demo-$$"
