#!/usr/bin/env bash
# Runs the TUMBLE vs HOP harness (dev.laminar.bench.WindowShapesHarness) on a JDK 25: the same aggregate over
# TUMBLE 10 s and HOP 10 s / 100 ms through the embedded API, then compiled vs interpreted expressions and aggregate
# updates; the argument is the event count (default 2,000,000).
# Builds bench/target/laminar-bench.jar when missing (pass --rebuild first to force it). Prints one JSON object.
set -euo pipefail
# a fixed heap so that GC figures compare across runs; LAMINAR_BENCH_OPTS adds or overrides JVM options
BENCH_JVM_OPTS="-Xms2g -Xmx2g -XX:+AlwaysPreTouch" exec "$(dirname "$0")/run-java.sh" dev.laminar.bench.WindowShapesHarness "$@"
