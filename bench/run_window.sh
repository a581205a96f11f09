#!/usr/bin/env bash
# Runs the windowed-aggregation benchmark (bench/window_aggregation.cc) and the same aggregations as
# batch queries in DuckDB (bench/duckdb_window.mjs) on the same generated events, one thread each,
# and prints events per CPU-second side by side. See bench/README.md, "Windowed aggregation".
#
#   bench/run_window.sh BUILD_DIR [EVENTS] [KEYS]
#
# EVENTS defaults to 20000000, KEYS to 1000,100000,1000000; SLUICE_WINDOW_BATCH (1000000) is the
# micro-batch size; SLUICE_WINDOW_KEY_TYPE=string groups by a STRING key with count, sum, avg and
# max (default long: a count per BIGINT key). Checkpoints go under TMPDIR (default /tmp). The figures are a report, not a
# gate: the script exits 0 either way.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 3 ]; then
  echo "usage: $0 BUILD_DIR [EVENTS] [KEYS]" >&2
  exit 2
fi
BUILD_DIR=$1
EVENTS=${2:-20000000}
KEYS=${3:-1000,100000,1000000}
BATCH=${SLUICE_WINDOW_BATCH:-1000000}
KEY_TYPE=${SLUICE_WINDOW_KEY_TYPE:-long}
DRIVER="$BUILD_DIR/bench/bench_window_aggregation"
HERE=$(cd "$(dirname "$0")" && pwd)

if [ ! -x "$DRIVER" ]; then
  echo "missing $DRIVER: configure with -DSLUICE_BUILD_BENCHMARKS=ON and build (make bench-window)" >&2
  exit 1
fi
cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
echo "machine: ${cpu_model:-unknown CPU}, nproc $(nproc), $(uname -sr)"
echo "load:    $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?') (1-minute average before the run)"
# Checkpoint files are created every micro-batch: their file system is part of the measurement.
ckpt_parent=${TMPDIR:-/tmp}
echo "checkpoints: $ckpt_parent on $(findmnt -n -o FSTYPE,OPTIONS --target "$ckpt_parent" 2>/dev/null || stat -f -c %T "$ckpt_parent")"

results=$(mktemp)
trap 'rm -f "$results"' EXIT
"$DRIVER" --events "$EVENTS" --batch "$BATCH" --keys "$KEYS" --key-type "$KEY_TYPE" | tee -a "$results"
if [ -d "$HERE/node_modules/@duckdb/node-api" ]; then
  (cd "$HERE" && node duckdb_window.mjs --events "$EVENTS" --keys "$KEYS" --key-type "$KEY_TYPE") | tee -a "$results"
else
  echo "DuckDB side skipped: run scripts/install-deps.sh --bench (npm install --prefix bench)"
fi

echo
printf '%-15s %9s %16s %16s %8s\n' window keys "sluice ev/cpu-s" "duckdb ev/cpu-s" ratio
awk '
  /^RESULT/ {
    for (i = 2; i <= NF; ++i) { split($i, kv, "="); f[kv[1]] = kv[2] }
    key = f["window"] " " f["keys"]
    rate[f["engine"], key] = f["events_per_cpu_second"]
    if (!(key in seen)) { seen[key] = 1; order[++n] = key }
  }
  END {
    for (i = 1; i <= n; ++i) {
      split(order[i], k, " ")
      s = rate["sluice", order[i]]; d = rate["duckdb", order[i]]
      printf "%-15s %9s %16.0f %16.0f %8s\n", k[1], k[2], s, d, (d > 0 ? sprintf("%.2fx", s / d) : "-")
    }
  }' "$results"
