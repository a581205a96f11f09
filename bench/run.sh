#!/usr/bin/env bash
# Runs the JSON pipeline benchmark: Sluice, a plain simdjson loop and DuckDB over the same
# Nexmark-like JSON files, one thread each, and prints a comparison table. See bench/README.md.
#
#   bench/run.sh BUILD_DIR [SIZE_MB]
#
# SIZE_MB (default: $SLUICE_BENCH_MB, else 1024) MiB of data are generated once into
# BUILD_DIR/data/nexmark-<SIZE_MB>mb and reused by later runs. SLUICE_BENCH_REPEAT=N runs every
# engine N times and keeps the best run of each (default 3).
# The figures are a report, not a gate: the script exits 0 when the targets are missed.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 BUILD_DIR [SIZE_MB]" >&2
  exit 2
fi
BUILD_DIR=$1
SIZE_MB=${2:-${SLUICE_BENCH_MB:-1024}}
REPEAT=${SLUICE_BENCH_REPEAT:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
GEN="$BUILD_DIR/bench/bench_gen_nexmark"
DRIVER="$BUILD_DIR/bench/bench_json_pipeline"
DATA="$BUILD_DIR/data/nexmark-${SIZE_MB}mb"

for bin in "$GEN" "$DRIVER"; do
  if [ ! -x "$bin" ]; then
    echo "missing $bin: configure with -DSLUICE_BUILD_BENCHMARKS=ON and build (make bench)" >&2
    exit 1
  fi
done
case "$SIZE_MB" in '' | *[!0-9]*) echo "SIZE_MB must be a positive integer, got '$SIZE_MB'" >&2; exit 2 ;; esac

# ---- data (generated once per size) ----
if [ ! -f "$DATA/.complete" ]; then
  mkdir -p "$BUILD_DIR/data"
  avail_mb=$(df -Pm "$BUILD_DIR/data" | awk 'NR == 2 { print $4 }')
  if [ "$avail_mb" -lt $((SIZE_MB + 512)) ]; then
    echo "not enough disk space for $SIZE_MB MiB of data in $BUILD_DIR/data ($avail_mb MiB free)" >&2
    exit 1
  fi
  rm -rf "$DATA"
  echo "generating $SIZE_MB MiB of bid events into $DATA ..."
  "$GEN" "$DATA" "$SIZE_MB"
  touch "$DATA/.complete"
fi
cat "$DATA"/*.json >/dev/null  # every engine reads from the page cache

# ---- machine ----
cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
mem_gb=$(awk '/^MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true)
echo "machine: ${cpu_model:-unknown CPU}, nproc $(nproc), ${mem_gb:-?} GiB RAM, $(uname -sr)"
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
echo "load:    $load (1-minute average before the run)"
if awk -v l="$load" 'BEGIN { exit !(l >= 0.5) }'; then
  echo "         the machine is busy: wall-clock rates are noisy, compare the per-cpu-second columns"
fi
echo "data:    $DATA ($(ls "$DATA"/*.json | wc -l) files, $(du -sm "$DATA" | cut -f1) MiB)"
echo

LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

# ---- Sluice and the simdjson loop (one process, one thread each) ----
"$DRIVER" "$DATA" --repeat "$REPEAT" | tee -a "$LOG"
rows_in=$(awk '/^RESULT engine=simdjson/ { for (i = 1; i <= NF; i++) if ($i ~ /^rows_in=/) { sub("rows_in=", "", $i); print $i; exit } }' "$LOG")

# ---- DuckDB ----
echo
if ! command -v node >/dev/null 2>&1; then
  echo "node not found: DuckDB skipped (make bench installs nodejs and @duckdb/node-api)"
elif [ ! -d "$HERE/node_modules/@duckdb/node-api" ]; then
  echo "@duckdb/node-api not installed in bench/node_modules: DuckDB skipped" \
       "(scripts/install-deps.sh --bench installs it)"
else
  node "$HERE/duckdb_json.mjs" "$DATA" --rows-in "${rows_in:-}" --repeat "$REPEAT" | tee -a "$LOG" ||
    echo "DuckDB run failed"
fi

# ---- table ----
echo
awk -v repeat="$REPEAT" '
  /^RESULT / {
    delete f
    for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    e = f["engine"]
    if (!(e in secs) || f["seconds"] < secs[e]) {
      secs[e] = f["seconds"]; rin[e] = f["rows_in"]; rout[e] = f["rows_out"]; bytes[e] = f["bytes"]
    }
    if (!(e in cpu) || f["cpu_seconds"] < cpu[e]) cpu[e] = f["cpu_seconds"]
  }
  END {
    printf "%-9s %11s %11s %8s %8s %12s %8s %14s %12s\n", "engine", "rows in", "rows out",
           "wall s", "cpu s", "rows/s", "MiB/s", "rows/cpu-s", "MiB/cpu-s"
    n = split("sluice simdjson duckdb", order, " ")
    for (k = 1; k <= n; k++) {
      e = order[k]
      if (!(e in secs)) { printf "%-9s (not run)\n", e; continue }
      rate[e] = rin[e] / secs[e]
      crate[e] = cpu[e] > 0 ? rin[e] / cpu[e] : 0
      printf "%-9s %11d %11d %8.3f %8.3f %12.0f %8.1f %14.0f %12.1f\n", e, rin[e], rout[e],
             secs[e], cpu[e], rate[e], bytes[e] / 1048576 / secs[e], crate[e],
             (cpu[e] > 0 ? bytes[e] / 1048576 / cpu[e] : 0)
    }
    if (repeat > 1) printf "(best of %d runs per engine, wall and cpu separately)\n", repeat
    print ""
    printf "%-24s %10s %10s  %s\n", "ratio", "wall", "cpu", "target"
    if (("sluice" in secs) && ("simdjson" in secs)) {
      w = rate["sluice"] / rate["simdjson"]; c = crate["sluice"] / crate["simdjson"]
      printf "%-24s %9.2fx %9.2fx  >= 0.50x: %s\n", "sluice / simdjson loop", w, c,
             (w >= 0.5 ? "met" : "NOT met") " (wall), " (c >= 0.5 ? "met" : "NOT met") " (cpu)"
    }
    if (("sluice" in secs) && ("duckdb" in secs)) {
      w = rate["sluice"] / rate["duckdb"]; c = crate["sluice"] / crate["duckdb"]
      printf "%-24s %9.2fx %9.2fx  >= 1.50x: %s\n", "sluice / duckdb", w, c,
             (w >= 1.5 ? "met" : "NOT met") " (wall), " (c >= 1.5 ? "met" : "NOT met") " (cpu)"
    }
    for (e in rout) if (rout[e] != rout["sluice"]) {
      printf "WARNING: output row counts differ between engines\n"; break
    }
  }' "$LOG"
