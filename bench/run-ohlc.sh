#!/usr/bin/env bash
# Runs the end-to-end OHLC harness (dev.laminar.bench.OhlcHarness) on a JDK 25; arguments go to the
# harness, e.g. bench/run-ohlc.sh --events 2000000. Builds bench/target/laminar-bench.jar when missing
# (pass --rebuild first to force it). Report: stdout and bench/target/ohlc-<timestamp>.json.
set -euo pipefail
# a fixed heap so that GC figures compare across runs; LAMINAR_BENCH_OPTS adds or overrides JVM options
BENCH_JVM_OPTS="-Xms2g -Xmx2g -XX:+AlwaysPreTouch" exec "$(dirname "$0")/run-java.sh" dev.laminar.bench.OhlcHarness "$@"
