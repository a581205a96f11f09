#!/usr/bin/env bash
# Installs the Debian 12 packages Sluice needs to build and test. Idempotent: installs only what is missing.
# --bench: also what `make bench` needs: node + npm (from apt when missing) and DuckDB's Node API
# (@duckdb/node-api, bench/package.json) in bench/node_modules.
# --conformance: node + npm and @duckdb/node-api in tests/conformance/node_modules, the oracle of the
# Parquet DuckDB comparison (ctest -L duckdb). Without flags (as `make test` runs it) this is
# attempted too, best effort: without network the comparison test reports SKIP instead of failing.
set -euo pipefail
BENCH=0
CONFORMANCE=0
STRICT_CONFORMANCE=0
for arg in "$@"; do
  case "$arg" in
    --bench) BENCH=1 ;;
    --conformance) CONFORMANCE=1; STRICT_CONFORMANCE=1 ;;
    *) echo "usage: $0 [--bench] [--conformance]" >&2; exit 2 ;;
  esac
done
[ $# -eq 0 ] && CONFORMANCE=1
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
PKGS=(build-essential cmake ninja-build ccache pkg-config
      libsimdjson-dev libre2-dev libfmt-dev nlohmann-json3-dev zlib1g-dev
      libsnappy-dev libzstd-dev liblz4-dev libbrotli-dev librocksdb-dev
      libgtest-dev libgmock-dev libbenchmark-dev
      librdkafka-dev kcat python3-kafka)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A node/npm already on the PATH (e.g. from NodeSource) is used as is.
if [ "$BENCH" -eq 1 ] || [ "$CONFORMANCE" -eq 1 ]; then
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
if [ "$CONFORMANCE" -eq 1 ]; then
  ROOT="$(cd "$(dirname "$0")/.." && pwd)"
  CONF_DIR="$ROOT/tests/conformance"
  if [ ! -d "$CONF_DIR/node_modules/@duckdb/node-api" ] && [ ! -d "$ROOT/bench/node_modules/@duckdb/node-api" ]; then
    echo "installing @duckdb/node-api into tests/conformance/node_modules"
    if ! npm install --prefix "$CONF_DIR" --no-save --no-audit --no-fund --loglevel=error @duckdb/node-api; then
      [ "$STRICT_CONFORMANCE" -eq 1 ] && exit 1
      echo "warning: @duckdb/node-api not installed; the parquet_duckdb test will be skipped" >&2
    fi
  fi
fi
