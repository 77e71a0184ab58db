#!/usr/bin/env bash
# Shared by the bench/run-*.sh scripts: runs MAIN_CLASS of bench/target/laminar-bench.jar on a JDK 25 (found by
# scripts/jdk25.sh), building the jar when it is missing or when the first argument after the class is --rebuild.
# Usage: bench/run-java.sh MAIN_CLASS [--rebuild] [ARGS...]; MAIN_CLASS "jmh" runs JMH (the jar's main class).
# JVM options: BENCH_JVM_OPTS (set by the calling script: heap, collector), then LAMINAR_BENCH_OPTS (yours: adds
# or overrides). The harnesses measure at 1 reactor unless told otherwise (-Dlaminar.reactors=N in LAMINAR_BENCH_OPTS,
# or the Nexmark harness's --reactors), so that the figures in bench/README.md compare across machines and runs; the
# engine's own default is one reactor per available core.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd -P)
. "$root/scripts/jdk25.sh"
jar="$root/bench/target/laminar-bench.jar"
main=${1:?usage: bench/run-java.sh MAIN_CLASS [--rebuild] [ARGS...]}
shift
if [ "${1:-}" = "--rebuild" ] || [ ! -f "$jar" ]; then
  [ "${1:-}" = "--rebuild" ] && shift
  (cd "$root" && ./mvnw -q -B -DskipTests -pl bench -am package)
fi
cd "$root"
# a collector in LAMINAR_BENCH_OPTS replaces the script's (two collectors would stop the JVM)
if [[ " ${LAMINAR_BENCH_OPTS:-} " == *" -XX:+Use"*"GC "* ]]; then
  BENCH_JVM_OPTS=$(printf '%s\n' ${BENCH_JVM_OPTS:-} | grep -v -- '^-XX:+Use.*GC$' | tr '\n' ' ' || true)
fi
# shellcheck disable=SC2086 # the option variables are lists of JVM options, split on purpose
if [ "$main" = jmh ]; then
  exec "$JAVA_HOME/bin/java" -Dlaminar.reactors=1 ${BENCH_JVM_OPTS:-} ${LAMINAR_BENCH_OPTS:-} -jar "$jar" "$@"
fi
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" -Dlaminar.reactors=1 ${BENCH_JVM_OPTS:-} --enable-native-access=ALL-UNNAMED \
  --sun-misc-unsafe-memory-access=allow ${LAMINAR_BENCH_OPTS:-} -cp "$jar" "$main" "$@"
