#!/usr/bin/env bash
# Runs the JMH micro-benchmarks of bench/target/laminar-bench.jar on a JDK 25; arguments go to JMH,
# e.g. bench/run-jmh.sh 'SpscHandoff|WindowAssign|KeyRouting|AggregateUpdate' -prof gc.
# Builds the jar when missing (pass --rebuild first to force it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd -P)
. "$root/scripts/jdk25.sh"
jar="$root/bench/target/laminar-bench.jar"
if [ "${1:-}" = "--rebuild" ] || [ ! -f "$jar" ]; then
  [ "${1:-}" = "--rebuild" ] && shift
  (cd "$root" && ./mvnw -q -B -DskipTests -pl bench -am package)
fi
cd "$root"
exec "$JAVA_HOME/bin/java" -jar "$jar" "$@"
