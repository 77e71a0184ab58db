#!/usr/bin/env bash
# Kafka throughput (dev.laminar.plugin.kafka.bench.KafkaBenchmark, in plugins/kafka's test sources): one in-process
# KRaft broker; a plain kafka-clients consume→produce loop, then the engine with the kafka plugin loaded from its zip:
# Kafka → SELECT * → Kafka (at-least-once, exactly-once) and Kafka → 1 s tumbling aggregate → Kafka (exactly-once).
# Usage: bench/run-kafka.sh [--rebuild] [--records N]   (default 1,000,000 records). Prints one JSON object on stdout.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd -P)
. "$root/scripts/jdk25.sh"
cd "$root"
zip=$(ls plugins/kafka/target/laminar-plugin-kafka-*.zip 2>/dev/null | head -1 || true)
if [ "${1:-}" = "--rebuild" ] || [ -z "$zip" ] || [ ! -d plugins/kafka/target/test-classes ]; then
  [ "${1:-}" = "--rebuild" ] && shift
  ./mvn25 -q -o -B -pl plugins/kafka package -DskipTests
  zip=$(ls plugins/kafka/target/laminar-plugin-kafka-*.zip | head -1)
fi
cp_file="$root/plugins/kafka/target/bench.classpath"
if [ ! -s "$cp_file" ] || [ plugins/kafka/pom.xml -nt "$cp_file" ]; then
  ./mvn25 -q -o -B -pl plugins/kafka dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
fi
# shellcheck disable=SC2086 # LAMINAR_BENCH_OPTS is a list of JVM options, split on purpose
exec "$JAVA_HOME/bin/java" -Dlaminar.reactors=1 -Xms3g -Xmx3g --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn ${LAMINAR_BENCH_OPTS:-} \
  -cp "plugins/kafka/target/test-classes:plugins/kafka/target/classes:$(cat "$cp_file")" \
  dev.laminar.plugin.kafka.bench.KafkaBenchmark --zip "$zip" "$@"
