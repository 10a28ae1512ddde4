#!/usr/bin/env bash
# One command for the whole test suite on a fresh machine: set up, build, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
npm run --silent lint
npm test
