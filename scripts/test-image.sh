#!/usr/bin/env bash
# npm run test:image — builds the image with podman and smoke-tests it (scripts/image-smoke-test.mjs).
#
# Works on the project's machines (Debian 12, root, no container registry): installs podman if
# missing, makes the base image from Debian packages (debootstrap, cached outside the repository),
# builds with Debian's s6 (S6_SOURCE=debian: s6-overlay's tarballs cannot be downloaded here) on the
# host network with the host's CA bundle mounted for npm, then runs the smoke test against a local
# chain and the market replay on the host.
#
#   IMAGE_CACHE   where the base image tarball and npm's cache live (default /var/cache/sp-oracle-image)
#   IMAGE         tag to build (default localhost/sp-oracle:test)
set -euo pipefail
cd "$(dirname "$0")/.."

cache=${IMAGE_CACHE:-/var/cache/sp-oracle-image}
image=${IMAGE:-localhost/sp-oracle:test}
base=localhost/debian:bookworm-slim
began=$(date +%s)
say() { printf '[test-image %3ss] %s\n' "$(($(date +%s) - began))" "$*"; }

missing=()
for tool in podman runc netavark iptables debootstrap; do
  command -v "$tool" >/dev/null || [ -x "/usr/lib/podman/$tool" ] || missing+=("$tool")
done
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends podman runc netavark iptables debootstrap >/dev/null
fi

# Root here cannot raise the open-files limit, and crun refuses this machine's hybrid cgroups.
mkdir -p "$cache/npm-cache"
cat > "$cache/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=32768:32768"]
[engine]
runtime = "runc"
EOF
export CONTAINERS_CONF="$cache/containers.conf"

if ! podman image exists "$base"; then
  if [ ! -s "$cache/bookworm-minbase.tar" ]; then
    mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    say "debootstrap bookworm (minbase) from ${mirror:=http://deb.debian.org/debian}"
    rm -rf "$cache/rootfs"
    debootstrap --variant=minbase bookworm "$cache/rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1 \
      || { tail -20 "$cache/debootstrap.log"; exit 1; }
    rm -rf "$cache/rootfs/var/cache/apt/archives/"*.deb "$cache/rootfs/var/lib/apt/lists/"*
    tar -C "$cache/rootfs" -cf "$cache/bookworm-minbase.tar" .
    rm -rf "$cache/rootfs"
  fi
  say "importing $base"
  podman import "$cache/bookworm-minbase.tar" "$base" >/dev/null
fi

say "npm run build (host, for the smoke test's helpers)"
npm run --silent build >/dev/null

say "building $image (S6_SOURCE=debian)"
build_began=$(date +%s)
podman build --pull=never --network=host --format docker \
  --build-arg BASE_IMAGE="$base" --build-arg S6_SOURCE=debian \
  --build-arg NODE_EXTRA_CA_CERTS=/run/host-ca.crt \
  -v /etc/ssl/certs/ca-certificates.crt:/run/host-ca.crt:ro \
  -v "$cache/npm-cache:/root/.npm" \
  -t "$image" . >"$cache/build.log" 2>&1 || { tail -40 "$cache/build.log"; exit 1; }
say "built in $(($(date +%s) - build_began)) s"

say "smoke test"
node_modules/.bin/node scripts/image-smoke-test.mjs "$image"
