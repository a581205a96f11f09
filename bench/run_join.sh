#!/usr/bin/env bash
# Runs the join benchmark: Sluice's stream-stream join (impressions x clicks within 10 minutes,
# micro-batches, state evicted by the watermark) and stream-static lookup, then DuckDB's batch
# joins over the same generated data, one thread each. See bench/README.md ("Joins").
#
#   bench/run_join.sh BUILD_DIR [EVENTS]
#
# EVENTS (impressions + clicks) defaults to $SLUICE_JOIN_EVENTS, else 3000000. The figures are a
# report, not a gate.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 BUILD_DIR [EVENTS]" >&2
  exit 2
fi
BUILD_DIR=$1
EVENTS=${2:-${SLUICE_JOIN_EVENTS:-3000000}}
LOOKUP_EVENTS=${SLUICE_LOOKUP_EVENTS:-10000000}
HERE=$(cd "$(dirname "$0")" && pwd)
DRIVER="$BUILD_DIR/bench/bench_join"

if [ ! -x "$DRIVER" ]; then
  echo "missing $DRIVER: configure with -DSLUICE_BUILD_BENCHMARKS=ON and build (make bench-join)" >&2
  exit 1
fi
case "$EVENTS" in '' | *[!0-9]*) echo "EVENTS must be a positive integer, got '$EVENTS'" >&2; exit 2 ;; esac

cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
echo "machine: ${cpu_model:-unknown CPU}, nproc $(nproc), $(uname -sr)"
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
echo "load:    $load (1-minute average before the run)"
if awk -v l="$load" 'BEGIN { exit !(l >= 0.5) }'; then
  echo "         the machine is busy: wall-clock rates are noisy, compare the per-cpu-second columns"
fi
echo
echo "== Sluice (streaming, 1 thread) =="
"$DRIVER" --events "$EVENTS" --lookup-events "$LOOKUP_EVENTS"
echo
echo "== DuckDB (batch, 1 thread, same data) =="
if command -v node >/dev/null && [ -d "$HERE/node_modules/@duckdb/node-api" ]; then
  (cd "$HERE" && node duckdb_join.mjs --events "$EVENTS" --lookup-events "$LOOKUP_EVENTS")
else
  echo "skipped: node or bench/node_modules/@duckdb/node-api is missing (run scripts/install-deps.sh --bench)"
fi
