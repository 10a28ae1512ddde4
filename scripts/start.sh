#!/usr/bin/env bash
# One command on a fresh machine: install what is missing, build, and run the stack on this host
# from the image's own s6 service tree, fed by the offline market replay. Ctrl-C stops it cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
exec npm start --silent -- "$@"
