#!/usr/bin/env bash
# Runs the Nexmark-shaped end-to-end harness (dev.laminar.bench.NexmarkHarness) on a JDK 25; arguments go to the
# harness, e.g. bench/run-nexmark.sh --query tumbling --runs 3. Builds bench/target/laminar-bench.jar when missing
# (pass --rebuild first to force it). Report: stdout and bench/target/nexmark-<timestamp>.json.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd -P)
. "$root/scripts/jdk25.sh"
jar="$root/bench/target/laminar-bench.jar"
if [ "${1:-}" = "--rebuild" ] || [ ! -f "$jar" ]; then
  [ "${1:-}" = "--rebuild" ] && shift
  (cd "$root" && ./mvnw -q -B -DskipTests -pl bench -am package)
fi
cd "$root"
# a fixed heap so that GC figures compare across runs, G1 (chosen over ZGC on 2 cores: bench/README.md); LAMINAR_BENCH_OPTS adds or overrides JVM options
# shellcheck disable=SC2086 # LAMINAR_BENCH_OPTS is a list of JVM options, split on purpose
exec "$JAVA_HOME/bin/java" -Xms2g -Xmx2g -XX:+AlwaysPreTouch -XX:+UseG1GC --enable-native-access=ALL-UNNAMED \
  --sun-misc-unsafe-memory-access=allow ${LAMINAR_BENCH_OPTS:-} \
  -cp "$jar" dev.laminar.bench.NexmarkHarness "$@"
