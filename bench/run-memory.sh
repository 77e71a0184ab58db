#!/usr/bin/env bash
# Runs the memory harness (dev.laminar.bench.MemoryHarness: state bytes per group, footprint) on a JDK 25; arguments go to the
# harness, e.g. bench/run-memory.sh --groups 200000,1000000. Builds bench/target/laminar-bench.jar when missing
# (pass --rebuild first to force it). Report: stdout and bench/target/memory-<timestamp>.json.
set -euo pipefail
# G1: System.gc() is a full collection, so heap-after-GC figures are live data; LAMINAR_BENCH_OPTS adds or overrides JVM options
BENCH_JVM_OPTS="-Xms2g -Xmx2g -XX:+UseG1GC" exec "$(dirname "$0")/run-java.sh" dev.laminar.bench.MemoryHarness "$@"
