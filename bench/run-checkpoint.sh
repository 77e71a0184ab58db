#!/usr/bin/env bash
# Runs the checkpoint harness (dev.laminar.bench.CheckpointHarness: full vs incremental checkpoints of 1 M and 10 M keys
# through the engine, recovery time, hot-path latency with and without checkpoints) on a JDK 25; arguments go to the
# harness, e.g. bench/run-checkpoint.sh --keys 1000000 --rounds 3. Builds bench/target/laminar-bench.jar when missing
# (pass --rebuild first to force it). Report: stdout and bench/target/checkpoint-<timestamp>.json.
set -euo pipefail
# state is off-heap (memory-mapped): the heap only holds the engine; LAMINAR_BENCH_OPTS adds or overrides JVM options
BENCH_JVM_OPTS="-Xms2g -Xmx2g -XX:+AlwaysPreTouch -XX:+UseG1GC" exec "$(dirname "$0")/run-java.sh" dev.laminar.bench.CheckpointHarness "$@"
