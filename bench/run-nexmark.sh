#!/usr/bin/env bash
# Runs the Nexmark-shaped end-to-end harness (dev.laminar.bench.NexmarkHarness) on a JDK 25; arguments go to the
# harness, e.g. bench/run-nexmark.sh --query tumbling --runs 3. Builds bench/target/laminar-bench.jar when missing
# (pass --rebuild first to force it). Report: stdout and bench/target/nexmark-<timestamp>.json.
set -euo pipefail
# a fixed heap so that GC figures compare across runs, G1 (chosen over ZGC on 2 cores: bench/README.md); LAMINAR_BENCH_OPTS adds or overrides JVM options
BENCH_JVM_OPTS="-Xms2g -Xmx2g -XX:+AlwaysPreTouch -XX:+UseG1GC" exec "$(dirname "$0")/run-java.sh" dev.laminar.bench.NexmarkHarness "$@"
