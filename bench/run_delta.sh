#!/usr/bin/env bash
# Delta / Parquet benchmark (make bench-delta): Sluice (bench_delta) and DuckDB (duckdb_delta.mjs)
# write and read the same rows, with the same number of threads, in one run; then Delta commit
# latency of small appends. Prints a table of rows/s and MB/s per core. See bench/README.md.
#
#   bench/run_delta.sh BUILD_DIR [ROWS]
#
# ROWS defaults to $SLUICE_BENCH_DELTA_ROWS, else 20000000. Data goes to BUILD_DIR/data/delta-bench.
set -euo pipefail
BUILD_DIR=$1
ROWS=${2:-${SLUICE_BENCH_DELTA_ROWS:-20000000}}
HERE=$(cd "$(dirname "$0")" && pwd)
DRIVER="$BUILD_DIR/bench/bench_delta"
OUT="$BUILD_DIR/data/delta-bench"
THREADS=$(nproc)
if [ ! -x "$DRIVER" ]; then
  echo "missing $DRIVER: configure with -DSLUICE_BUILD_BENCHMARKS=ON and build (make bench-delta)" >&2
  exit 1
fi
cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
mem_gb=$(awk '/^MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true)
echo "machine: ${cpu_model:-unknown CPU}, nproc $THREADS, ${mem_gb:-?} GiB RAM, $(uname -sr)"
echo "load:    $(cut -d' ' -f1 /proc/loadavg) (1-minute average before the run)"
echo "rows:    $ROWS, threads: $THREADS (both engines)"
echo
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
"$DRIVER" "$OUT/sluice" --rows "$ROWS" | tee -a "$LOG"
(cd "$HERE" && node duckdb_delta.mjs "$OUT/duckdb" --rows "$ROWS" --threads "$THREADS" \
   --sluice-delta "$OUT/sluice/delta") | tee -a "$LOG"
echo
awk -v threads="$THREADS" '
  /^RESULT/ {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    rate = v["rows"] / v["seconds"]
    mbps = v["bytes"] / v["seconds"] / 1048576
    printf "%-7s %-14s %8.2f s  %10.0f rows/s  %8.1f MB/s  %7.1f MB/s/core  cpu %7.2f s  files %6.1f MiB\n",
      v["engine"], v["op"], v["seconds"], rate, mbps, mbps / threads, v["cpu_seconds"], v["file_bytes"] / 1048576
  }
  /^LATENCY/ { print }' "$LOG"
echo "(MB/s = in-memory row bytes (8+4+8+len(category)+8 per row) per wall second; per core = / $THREADS threads)"
