#!/usr/bin/env bash
# Runs the SESSION harness (dev.laminar.bench.SessionHarness) on a JDK 25: a SESSION aggregate per user with its
# sessions on the heap and in the off-heap state store, alternating, through the embedded API; arguments: the event
# count (default 4,000,000) and the user count (default 10,000).
# Builds bench/target/laminar-bench.jar when missing (pass --rebuild first to force it). Prints one JSON object.
set -euo pipefail
# a fixed heap so that GC figures compare across runs; LAMINAR_BENCH_OPTS adds or overrides JVM options
BENCH_JVM_OPTS="-Xms2g -Xmx2g -XX:+AlwaysPreTouch" exec "$(dirname "$0")/run-java.sh" dev.laminar.bench.SessionHarness "$@"
