#!/usr/bin/env bash
# The whole test suite: installs what the tests need, then unit and root
# integration tests for every module.
set -euo pipefail
cd "$(dirname "$0")"

need=()
for pkg in busybox-static:/bin/busybox runc:/usr/sbin/runc crun:/usr/bin/crun \
           containernetworking-plugins:/usr/lib/cni/bridge docker-registry:/usr/bin/docker-registry \
           skopeo:/usr/bin/skopeo gcc:/usr/bin/gcc make:/usr/bin/make maven:/usr/bin/mvn \
           iproute2:/usr/sbin/ip podman:/usr/bin/podman conmon:/usr/bin/conmon \
           containerd:/usr/bin/containerd util-linux:/usr/bin/nsenter python3:/usr/bin/python3; do
  [ -e "${pkg#*:}" ] || need+=("${pkg%%:*}")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "test.sh: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

exec mvn -B -ntp verify "$@"
