# Sluice developer entry points. The README's quick start is `make demo` and `make test`.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: deps configure build demo test test-asan bench bench-window bench-kafka bench-join bench-delta clean

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Installs what is missing, builds (Release) and runs the demo pipeline.
demo: build
	@$(BUILD_DIR)/sluice demo --output $(BUILD_DIR)/demo

# Installs what is missing, builds and runs the whole test suite through ctest.
test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 300

# The suite under AddressSanitizer + UndefinedBehaviorSanitizer (a separate build folder).
# Stack frames of returned functions stay poisoned, so a reference kept past its scope is caught.
test-asan:
	@ASAN_OPTIONS=detect_stack_use_after_return=1$${ASAN_OPTIONS:+:$$ASAN_OPTIONS} \
	  $(MAKE) test BUILD_DIR=build-asan BUILD_TYPE=Debug CMAKE_FLAGS=-DSLUICE_SANITIZE=ON

# Benchmarks (not part of `make test`): see bench/README.md.
bench:
	@scripts/install-deps.sh --bench
	@cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSLUICE_BUILD_BENCHMARKS=ON >/dev/null
	@cmake --build build-bench -j $(JOBS)
	@bench/run.sh build-bench

# Windowed aggregation (tumbling 10 s and sliding 10 s / 2 s counts per key, 1 K / 100 K / 1 M keys)
# next to the same batch aggregations in DuckDB (bench/README.md, "Windowed aggregation").
bench-window:
	@scripts/install-deps.sh --bench
	@cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSLUICE_BUILD_BENCHMARKS=ON >/dev/null
	@cmake --build build-bench -j $(JOBS) --target bench_window_aggregation
	@bench/run_window.sh build-bench

# Kafka consume -> from_json -> filter -> produce through a loopback mock cluster, next to a plain
# librdkafka consume loop and the decode path alone (bench/README.md, "Kafka pipeline").
bench-kafka:
	@scripts/install-deps.sh
	@cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSLUICE_BUILD_BENCHMARKS=ON >/dev/null
	@cmake --build build-bench -j $(JOBS) --target bench_kafka_pipeline
	@bench/run_kafka.sh build-bench

# Stream-stream join (impressions x clicks within 10 minutes) and a stream-static lookup, next to
# the same joins in DuckDB (bench/README.md, "Joins").
bench-join:
	@scripts/install-deps.sh --bench
	@cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSLUICE_BUILD_BENCHMARKS=ON >/dev/null
	@cmake --build build-bench -j $(JOBS) --target bench_join
	@bench/run_join.sh build-bench

# Delta / Parquet: 20 M rows written and read back by Sluice and by DuckDB in the same run, and
# Delta commit latency of small appends (bench/README.md, "Delta and Parquet").
bench-delta:
	@scripts/install-deps.sh --bench
	@cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSLUICE_BUILD_BENCHMARKS=ON >/dev/null
	@cmake --build build-bench -j $(JOBS) --target bench_delta
	@bench/run_delta.sh build-bench

clean:
	rm -rf build build-asan build-bench
