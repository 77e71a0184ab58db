#!/usr/bin/env bash
# Runs the TUMBLE vs HOP harness (dev.laminar.bench.WindowShapesHarness) on a JDK 25: the same aggregate over
# TUMBLE 10 s and HOP 10 s / 100 ms through the embedded API, then compiled vs interpreted expressions and aggregate
# updates; the argument is the event count (default 2,000,000).
# Builds bench/target/laminar-bench.jar when missing (pass --rebuild first to force it). Prints one JSON object.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd -P)
. "$root/scripts/jdk25.sh"
jar="$root/bench/target/laminar-bench.jar"
if [ "${1:-}" = "--rebuild" ] || [ ! -f "$jar" ]; then
  [ "${1:-}" = "--rebuild" ] && shift
  (cd "$root" && ./mvnw -q -B -DskipTests -pl bench -am package)
fi
cd "$root"
# a fixed heap so that GC figures compare across runs; LAMINAR_BENCH_OPTS adds or overrides JVM options
# shellcheck disable=SC2086 # LAMINAR_BENCH_OPTS is a list of JVM options, split on purpose
exec "$JAVA_HOME/bin/java" -Xms2g -Xmx2g -XX:+AlwaysPreTouch --enable-native-access=ALL-UNNAMED \
  --sun-misc-unsafe-memory-access=allow ${LAMINAR_BENCH_OPTS:-} \
  -cp "$jar" dev.laminar.bench.WindowShapesHarness "$@"
