#!/bin/sh
# Builds a one-layer OCI image layout tar from Debian's busybox-static (/bin/busybox), with
# no network: the image the examples and tests run. Import it with
#   peapod image import OUT.tar
# Usage: build-busybox-image.sh [NAME [OUT.tar [USER]]]
#   (default peapod.local/busybox:latest, ./busybox.tar, no User: root)
# USER becomes the image config's User, e.g. nobody or 65534:65534.
set -eu
name=${1:-peapod.local/busybox:latest}
out=${2:-busybox.tar}
user=${3:-}
case $user in
  *[!A-Za-z0-9._:-]*) echo "build-busybox-image: user \"$user\" may hold only letters, digits and ._:-" >&2; exit 1 ;;
esac
[ -x /bin/busybox ] || { echo "build-busybox-image: /bin/busybox is missing (apt-get install busybox-static)" >&2; exit 1; }
work=$(mktemp -d /tmp/pp-img-XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/root" "$root/www" "$work/oci/blobs/sha256"
chmod 1777 "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"

blob() { # file -> prints its digest and moves it into the layout's blobs
  sum=$(sha256sum "$1" | cut -d' ' -f1)
  mv "$1" "$work/oci/blobs/sha256/$sum"
  echo "$sum"
}
size() { stat -c %s "$work/oci/blobs/sha256/$1"; }

tar --sort=name --numeric-owner --owner=0 --group=0 --mtime=@0 -C "$root" -cf "$work/layer.tar" .
layer=$(blob "$work/layer.tar")
user_field=
[ -z "$user" ] || user_field=",\"User\":\"$user\""
printf '{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"],"WorkingDir":"/"%s},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
  "$user_field" "$layer" > "$work/config.json"
config=$(blob "$work/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
  "$config" "$(size "$config")" "$layer" "$(size "$layer")" > "$work/manifest.json"
manifest=$(blob "$work/manifest.json")
printf '{"imageLayoutVersion":"1.0.0"}' > "$work/oci/oci-layout"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
  "$manifest" "$(size "$manifest")" "$name" "${name##*:}" > "$work/oci/index.json"
tar --sort=name --numeric-owner --owner=0 --group=0 -C "$work/oci" -cf "$out" oci-layout index.json blobs
echo "$out: $name"
