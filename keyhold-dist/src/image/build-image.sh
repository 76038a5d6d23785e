#!/usr/bin/env bash
# Builds the Keyhold OCI container image without a container engine: three layers written with GNU tar,
# an image configuration and a manifest, packed as one OCI image layout archive that `docker load`,
# `podman load` and `skopeo copy oci-archive:` all read. See docs/container.md.
#
#   build-image.sh RELEASE_DIR VERSION OUTPUT.tar
#
# RELEASE_DIR is the unpacked release (runtime/, lib/keyhold.jar). The image holds no operating system
# distribution: its base layer is the C library and the few shared libraries the Java runtime and the
# native libraries inside keyhold.jar link against, copied from the build machine, dash as /bin/sh for the
# keyhold launcher (/usr/local/bin/keyhold, so that `kubectl exec POD -- keyhold ...` works), and
# /etc/passwd and /etc/group naming the user keyhold (10001). SOURCE_DATE_EPOCH, when set, fixes every time stamp
# (otherwise the last commit's time, or 0): the same inputs give the same image, byte for byte.
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 RELEASE_DIR VERSION OUTPUT.tar" >&2
  exit 2
fi
release="$(cd "$1" && pwd)"
version="$2"
output="$3"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
uid=10001
gid=10001

[[ -x $release/runtime/bin/java ]] || { echo "build-image: $release/runtime/bin/java is missing" >&2; exit 1; }
[[ -f $release/lib/keyhold.jar ]] || { echo "build-image: $release/lib/keyhold.jar is missing" >&2; exit 1; }
jar_tool="${JAVA_HOME:+$JAVA_HOME/bin/}jar"
for tool in tar gzip sha256sum ldd od dash "$jar_tool"; do
  command -v "$tool" > /dev/null || { echo "build-image: $tool is needed" >&2; exit 1; }
done

epoch="${SOURCE_DATE_EPOCH:-$(git -C "$here" log -1 --format=%ct 2> /dev/null || echo 0)}"
created="$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)"

work="$(dirname "$output")/image-work"
rm -rf "$work"
mkdir -p "$work"/{base,runtime,app,natives,layout/blobs/sha256}

# --- base layer: shared libraries, users, the directories the server writes -------------------------
(cd "$work/natives" && "$jar_tool" xf "$release/lib/keyhold.jar" \
  META-INF/native/libnetty_transport_native_epoll_x86_64.so META-INF/native/libnetty_tcnative_linux_x86_64.so \
  org/sqlite/native/Linux/x86_64/libsqlitejdbc.so)
elves=()
while IFS= read -r -d '' file; do
  if [[ "$(head -c 4 "$file" | od -An -c | tr -d ' ')" == '177ELF' ]]; then
    elves+=("$file")
  fi
done < <(find "$release/runtime" "$work/natives" -type f -print0)
shell="$(readlink -f "$(command -v dash)")"
elves+=("$shell")
# (libjvm.so is found at run time: the launcher has loaded it before the runtime's other libraries)
for elf in "${elves[@]}"; do
  if ldd "$elf" 2> /dev/null | grep -v '^\s*libjvm\.so ' | grep -q 'not found'; then
    echo "build-image: $elf needs a library this machine lacks:" >&2
    ldd "$elf" | grep 'not found' >&2
    exit 1
  fi
done
libraries="$(
  for elf in "${elves[@]}"; do
    ldd "$elf" 2> /dev/null | awk '/=> \// { print $3 } /^\s*\/[^ ]+ \(0x/ { print $1 }'
  done | grep -v "^$release/" | sort -u
)"
# glibc loads libgcc_s on demand (thread cancellation, unwinding), which ldd does not show
for extra in /lib/x86_64-linux-gnu/libgcc_s.so.1; do
  [[ -e $extra ]] && libraries+=$'\n'"$extra"
done
while IFS= read -r library; do
  [[ -n $library ]] || continue
  mkdir -p "$work/base$(dirname "$library")"
  cp -L "$library" "$work/base$library"
  chmod 0755 "$work/base$library"
done <<< "$(sort -u <<< "$libraries")"
if [[ ! -e $work/base/lib64/ld-linux-x86-64.so.2 ]]; then
  echo "build-image: the dynamic loader was not found among the runtime's libraries" >&2
  exit 1
fi
mkdir -p "$work/base/bin"
cp "$shell" "$work/base/bin/sh"
chmod 0755 "$work/base/bin/sh"
mkdir -p "$work/base/etc/keyhold/tls" "$work/base/etc/keyhold/master-key" "$work/base/tmp" \
  "$work/base/var/lib/keyhold"
printf 'root:x:0:0:root:/root:/sbin/nologin\nkeyhold:x:%s:%s:Keyhold KMIP server:/var/lib/keyhold:/sbin/nologin\n' \
  "$uid" "$gid" > "$work/base/etc/passwd"
printf 'root:x:0:\nkeyhold:x:%s:\n' "$gid" > "$work/base/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$work/base/etc/nsswitch.conf"
chmod 0644 "$work/base/etc/passwd" "$work/base/etc/group" "$work/base/etc/nsswitch.conf"
chmod 1777 "$work/base/tmp"
chmod 0750 "$work/base/var/lib/keyhold"

# --- runtime layer: the jlink runtime; app layer: the jar and the configuration ------------------------
mkdir -p "$work/runtime/opt/keyhold" "$work/app/opt/keyhold/lib" "$work/app/etc/keyhold" "$work/app/usr/local/bin"
cp "$here/keyhold" "$work/app/usr/local/bin/keyhold"
chmod 0755 "$work/app/usr/local/bin/keyhold"
cp -a "$release/runtime" "$work/runtime/opt/keyhold/runtime"
cp "$release/lib/keyhold.jar" "$work/app/opt/keyhold/lib/keyhold.jar"
cp "$here/keyhold.yaml" "$work/app/etc/keyhold/keyhold.yaml"
for file in LICENSE NOTICE README.md; do
  [[ -f $release/$file ]] && cp "$release/$file" "$work/app/opt/keyhold/$file"
done
chmod -R u+rwX,go+rX,go-w "$work/runtime" "$work/app"

# One layer, reproducible: sorted names, fixed times and owners, no access or change times. Paths
# listed in OWNED (relative, no leading slash) belong to the keyhold user.
layer() {
  local dir="$1" name="$2"
  shift 2
  local owned=("$@") tarball="$work/$name.tar"
  local common=(--format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime
    --sort=name --mtime="@$epoch" --numeric-owner -C "$dir")
  local exclude=()
  for path in ${owned[@]+"${owned[@]}"}; do
    exclude+=(--exclude="./$path")
  done
  tar --create --file="$tarball" --owner=0 --group=0 ${exclude[@]+"${exclude[@]}"} "${common[@]}" .
  if [[ ${#owned[@]} -gt 0 ]]; then
    local extra="$work/$name-owned.tar"
    tar --create --file="$extra" --owner="$uid" --group="$gid" --no-recursion "${common[@]}" \
      "${owned[@]/#/./}"
    tar --concatenate --file="$tarball" "$extra"
    rm "$extra"
  fi
}
layer "$work/base" base var/lib/keyhold
layer "$work/runtime" runtime
layer "$work/app" app

blob() { # FILE -> moves it into the layout under its digest; prints "digest size"
  local digest size
  digest="$(sha256sum "$1" | cut -d' ' -f1)"
  size="$(stat -c %s "$1")"
  mv "$1" "$work/layout/blobs/sha256/$digest"
  echo "$digest $size"
}

diff_ids=()
layers_json=()
history_json=()
for name in base runtime app; do
  diff_ids+=("\"sha256:$(sha256sum "$work/$name.tar" | cut -d' ' -f1)\"")
  gzip -n -9 "$work/$name.tar"
  read -r digest size < <(blob "$work/$name.tar.gz")
  layers_json+=("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$digest\",\"size\":$size}")
  history_json+=("{\"created\":\"$created\",\"created_by\":\"keyhold-dist build-image.sh: $name layer\"}")
done
join() { local IFS=,; echo "$*"; }

java=/opt/keyhold/runtime/bin/java
jar=/opt/keyhold/lib/keyhold.jar
cat > "$work/config.json" <<JSON
{"created":"$created","architecture":"amd64","os":"linux",
"config":{"User":"$uid:$gid",
"ExposedPorts":{"5696/tcp":{},"8443/tcp":{}},
"Env":["PATH=/usr/local/bin:/opt/keyhold/runtime/bin:/bin","LANG=C.UTF-8","TZ=UTC"],
"Entrypoint":["/usr/local/bin/keyhold"],
"Cmd":["serve","--config","/etc/keyhold/keyhold.yaml"],
"Volumes":{"/var/lib/keyhold":{}},
"WorkingDir":"/var/lib/keyhold",
"StopSignal":"SIGTERM",
"Healthcheck":{"Test":["CMD","$java","-XX:TieredStopAtLevel=1","-XX:+UseSerialGC","-Xmx48m","-jar","$jar","health"],
"Interval":30000000000,"Timeout":10000000000,"StartPeriod":60000000000,"Retries":3},
"Labels":{"org.opencontainers.image.title":"Keyhold","org.opencontainers.image.description":"KMIP server",
"org.opencontainers.image.version":"$version","org.opencontainers.image.licenses":"Apache-2.0"}},
"rootfs":{"type":"layers","diff_ids":[$(join "${diff_ids[@]}")]},
"history":[$(join "${history_json[@]}")]}
JSON
read -r config_digest config_size < <(blob "$work/config.json")

cat > "$work/manifest.json" <<JSON
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:$config_digest","size":$config_size},
"layers":[$(join "${layers_json[@]}")],
"annotations":{"org.opencontainers.image.version":"$version","org.opencontainers.image.created":"$created"}}
JSON
read -r manifest_digest manifest_size < <(blob "$work/manifest.json")

reference="docker.io/keyhold/keyhold:$version"
cat > "$work/layout/index.json" <<JSON
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",
"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:$manifest_digest","size":$manifest_size,
"annotations":{"io.containerd.image.name":"$reference","org.opencontainers.image.ref.name":"$version"}}]}
JSON
printf '{"imageLayoutVersion":"1.0.0"}' > "$work/layout/oci-layout"
# docker load before Docker 25 reads manifest.json only
layer_paths=()
for layer_json in "${layers_json[@]}"; do
  layer_paths+=("\"blobs/sha256/$(sed -E 's/.*"digest":"sha256:([0-9a-f]+)".*/\1/' <<< "$layer_json")\"")
done
printf '[{"Config":"blobs/sha256/%s","RepoTags":["keyhold/keyhold:%s"],"Layers":[%s]}]' \
  "$config_digest" "$version" "$(join "${layer_paths[@]}")" > "$work/layout/manifest.json"

tar --create --file="$output" --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
  --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner -C "$work/layout" .
rm -rf "$work"
echo "build-image: $output (keyhold/keyhold:$version, manifest sha256:$manifest_digest)"
