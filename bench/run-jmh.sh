#!/usr/bin/env bash
# Runs the JMH micro-benchmarks of bench/target/laminar-bench.jar on a JDK 25; arguments go to JMH,
# e.g. bench/run-jmh.sh 'SpscHandoff|WindowAssign|KeyRouting|AggregateUpdate' -prof gc.
# Builds the jar when missing (pass --rebuild first to force it).
set -euo pipefail
exec "$(dirname "$0")/run-java.sh" jmh "$@"
