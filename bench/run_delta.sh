#!/usr/bin/env bash
# Delta / Parquet benchmark (make bench-delta): Sluice (bench_delta) and DuckDB (duckdb_delta.mjs)
# write and read the same rows as Parquet (snappy and zstd), with the same number of threads, in one
# run; Sluice also writes and reads them as a Delta table, runs a streaming query committing
# micro-batches to a Delta sink, and times small appends. Prints a table of rows/s and MB/s per core
# and the commit latencies. See bench/README.md.
#
#   bench/run_delta.sh BUILD_DIR [ROWS]
#
# ROWS defaults to $SLUICE_BENCH_DELTA_ROWS, else 20000000. The streaming part runs
# $SLUICE_BENCH_DELTA_STREAM_COMMITS (200) micro-batches of $SLUICE_BENCH_DELTA_STREAM_ROWS
# (100000) rows; smaller runs, e.g.:
#   SLUICE_BENCH_DELTA_STREAM_COMMITS=50 SLUICE_BENCH_DELTA_STREAM_ROWS=20000 \
#     bench/run_delta.sh build-bench 2000000
# Data goes to BUILD_DIR/data/delta-bench.
set -euo pipefail
BUILD_DIR=$1
ROWS=${2:-${SLUICE_BENCH_DELTA_ROWS:-20000000}}
STREAM_COMMITS=${SLUICE_BENCH_DELTA_STREAM_COMMITS:-200}
STREAM_ROWS=${SLUICE_BENCH_DELTA_STREAM_ROWS:-100000}
HERE=$(cd "$(dirname "$0")" && pwd)
DRIVER="$BUILD_DIR/bench/bench_delta"
# Absolute: the DuckDB script runs from bench/.
OUT="$(cd "$BUILD_DIR" && pwd)/data/delta-bench"
THREADS=$(nproc)
if [ ! -x "$DRIVER" ]; then
  echo "missing $DRIVER: configure with -DSLUICE_BUILD_BENCHMARKS=ON and build (make bench-delta)" >&2
  exit 1
fi
cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
mem_gb=$(awk '/^MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true)
echo "machine: ${cpu_model:-unknown CPU}, nproc $THREADS, ${mem_gb:-?} GiB RAM, $(uname -sr)"
echo "load:    $(cut -d' ' -f1 /proc/loadavg) (1-minute average before the run)"
echo "rows:    $ROWS, threads: $THREADS (both engines); streaming: $STREAM_COMMITS commits of $STREAM_ROWS rows"
echo
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
"$DRIVER" "$OUT/sluice" --rows "$ROWS" --stream-commits "$STREAM_COMMITS" \
  --stream-rows "$STREAM_ROWS" | tee -a "$LOG"
(cd "$HERE" && node duckdb_delta.mjs "$OUT/duckdb" --rows "$ROWS" --threads "$THREADS" \
   --sluice-delta "$OUT/sluice/delta") | tee -a "$LOG"
echo
awk -v threads="$THREADS" '
  /^RESULT/ {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    rate = v["rows"] / v["seconds"]
    mbps = v["bytes"] / v["seconds"] / 1048576
    printf "%-7s %-20s %8.2f s  %10.0f rows/s  %10.0f rows/s/core  %7.1f MB/s/core  cpu %7.2f s  %10.0f rows/cpu-s  files %6.1f MiB\n",
      v["engine"], v["op"], v["seconds"], rate, rate / threads, mbps / threads, v["cpu_seconds"],
      v["rows"] / v["cpu_seconds"], v["file_bytes"] / 1048576
  }
  /^STREAM|^LATENCY/ { print }' "$LOG"
echo "(MB/s = in-memory row bytes (8+8+8+len(category)+8 per row) per wall second; per core = / $THREADS threads;"
echo " rows/cpu-s = rows per CPU-second of the process, the per-core rate that a loaded machine disturbs least)"
