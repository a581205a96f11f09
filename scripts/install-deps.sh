#!/usr/bin/env bash
# Installs the Debian 12 packages Sluice needs to build and test. Idempotent: installs only what is missing.
# --bench: also what `make bench` needs: node + npm (from apt when missing) and DuckDB's Node API
# (@duckdb/node-api, bench/package.json) in bench/node_modules.
set -euo pipefail
BENCH=0
for arg in "$@"; do
  case "$arg" in
    --bench) BENCH=1 ;;
    *) echo "usage: $0 [--bench]" >&2; exit 2 ;;
  esac
done
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
PKGS=(build-essential cmake ninja-build ccache pkg-config
      libsimdjson-dev libre2-dev libfmt-dev nlohmann-json3-dev zlib1g-dev
      libgtest-dev libgmock-dev libbenchmark-dev)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A node/npm already on the PATH (e.g. from NodeSource) is used as is.
if [ "$BENCH" -eq 1 ]; then
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ "$BENCH" -eq 1 ]; then
  BENCH_DIR="$(cd "$(dirname "$0")/.." && pwd)/bench"
  if [ ! -d "$BENCH_DIR/node_modules/@duckdb/node-api" ]; then
    echo "installing @duckdb/node-api into bench/node_modules"
    npm install --prefix "$BENCH_DIR" --no-audit --no-fund --loglevel=error
  fi
fi
