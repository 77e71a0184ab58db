#!/usr/bin/env bash
# Runs the join harness (dev.laminar.bench.JoinHarness) on a JDK 25: a filter baseline, an interval join, an ASOF join
# and a lookup join through the embedded API, in one run; the argument is the event count (default 2,000,000).
# Builds bench/target/laminar-bench.jar when missing (pass --rebuild first to force it). Prints one JSON object.
set -euo pipefail
# a fixed heap so that GC figures compare across runs; LAMINAR_BENCH_OPTS adds or overrides JVM options
BENCH_JVM_OPTS="-Xms2g -Xmx2g -XX:+AlwaysPreTouch" exec "$(dirname "$0")/run-java.sh" dev.laminar.bench.JoinHarness "$@"
