#!/usr/bin/env bash
# Runs the Kafka pipeline benchmark (bench/kafka_pipeline.cc) through librdkafka's in-process mock
# cluster on loopback: a plain librdkafka consume loop, Sluice (consume -> from_json -> filter ->
# Kafka produce) and the decode path alone, one thread each. See bench/README.md.
#
#   bench/run_kafka.sh BUILD_DIR [MESSAGES]
#
# MESSAGES defaults to $SLUICE_KAFKA_MESSAGES, else 1000000. SLUICE_BENCH_REPEAT=N runs every engine
# N times and keeps the best (default 3). Two configurations are run: streaming micro-batches of
# $SLUICE_KAFKA_MAX_OFFSETS messages (maxOffsetsPerTrigger, default 200000), then the whole backlog
# as one micro-batch. The figures are a report, not a gate: the script exits 0 when the target is missed.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 BUILD_DIR [MESSAGES]" >&2
  exit 2
fi
BUILD_DIR=$1
MESSAGES=${2:-${SLUICE_KAFKA_MESSAGES:-1000000}}
REPEAT=${SLUICE_BENCH_REPEAT:-3}
MAX_OFFSETS=${SLUICE_KAFKA_MAX_OFFSETS:-200000}
DRIVER="$BUILD_DIR/bench/bench_kafka_pipeline"

if [ ! -x "$DRIVER" ]; then
  echo "missing $DRIVER: configure with -DSLUICE_BUILD_BENCHMARKS=ON and build (make bench-kafka)" >&2
  exit 1
fi
case "$MESSAGES" in '' | *[!0-9]*) echo "MESSAGES must be a positive integer, got '$MESSAGES'" >&2; exit 2 ;; esac

cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
echo "machine: ${cpu_model:-unknown CPU}, nproc $(nproc), $(uname -sr)"
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
echo "load:    $load (1-minute average before the run)"
if awk -v l="$load" 'BEGIN { exit !(l >= 0.5) }'; then
  echo "         the machine is busy: wall-clock rates are noisy"
fi

echo
echo "== streaming: maxOffsetsPerTrigger $MAX_OFFSETS =="
"$DRIVER" --messages "$MESSAGES" --repeat "$REPEAT" --max-offsets-per-trigger "$MAX_OFFSETS"
echo
echo "== one micro-batch: maxOffsetsPerTrigger $MESSAGES =="
"$DRIVER" --messages "$MESSAGES" --repeat "$REPEAT" --max-offsets-per-trigger "$MESSAGES"
