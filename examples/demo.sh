#!/usr/bin/env bash
# peapod's main job on one machine, from a fresh checkout: build peapod, make a busybox image
# without a network, run a container from it, then run the example Kubernetes pod (init
# containers in order, app and sidecar in parallel, probes) to Ready, show it, and remove it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if [ ! -x /bin/busybox ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null
fi
if [ ! -f cri-server/target/dist/lib/peapod.jar ]; then
  echo "== building peapod"
  mvn -q -B -ntp package -DskipTests
fi
image=peapod.local/busybox:latest
tar=$(mktemp /tmp/pp-demo-XXXXXX.tar)
trap 'rm -f "$tar"; ./peapod pod rm web >/dev/null 2>&1 || true' EXIT
echo "== image from Debian's busybox-static"
examples/build-busybox-image.sh "$image" "$tar" >/dev/null
./peapod image import "$tar"
./peapod image ls
echo "== a container: namespaces, cgroup, overlay rootfs, exit code"
set +e
./peapod run --rm --memory 32m --pids-limit 64 "$image" sh -c 'echo "hello from $(hostname), pid $$"; exit 3'
echo "exit code: $?"
set -e
echo "== the example pod (examples/web-pod.yaml)"
./peapod pod run examples/web-pod.yaml
./peapod pod ls
./peapod pod status web
./peapod pod rm web
echo "== done"
