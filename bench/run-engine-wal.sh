#!/usr/bin/env bash
# Runs dev.laminar.bench.EngineWalHarness (the write-ahead log through the engine: rows pushed through the
# public API without a data directory and with one per sync policy) on a JDK 25; arguments go to the harness,
# e.g. bench/run-engine-wal.sh --rows 5000000 --dir /disk/to/measure. Builds bench/target/laminar-bench.jar when
# missing (pass --rebuild first to force it). Report: stdout and bench/target/engine-wal-<timestamp>.json.
set -euo pipefail
BENCH_JVM_OPTS="-Xms2g -Xmx2g -XX:+AlwaysPreTouch" exec "$(dirname "$0")/run-java.sh" dev.laminar.bench.EngineWalHarness "$@"
