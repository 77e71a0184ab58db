#!/usr/bin/env bash
# Profiles one Nexmark query with JDK Flight Recorder (no external profiler needed): runs the throughput
# phase only (--latency-seconds 0) with a JFR recording (method sampling every 1 ms per running thread, on top of the
# JDK's "profile" settings), then prints the hottest methods (whole process and the reactor thread only),
# and the allocations by class. Usage: bench/profile-nexmark.sh QUERY [harness options], e.g.
# bench/profile-nexmark.sh tumbling --events 5000000. The recording stays in bench/target/nexmark-QUERY.jfr.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd -P)
. "$root/scripts/jdk25.sh"
query=${1:?usage: bench/profile-nexmark.sh QUERY [harness options]}
shift
jfr_file="$root/bench/target/nexmark-$query.jfr"
mkdir -p "$root/bench/target"
LAMINAR_BENCH_OPTS="${LAMINAR_BENCH_OPTS:-} -XX:StartFlightRecording=settings=profile,jdk.ExecutionSample#period=1ms,filename=$jfr_file,dumponexit=true" \
  "$root/bench/run-nexmark.sh" --query "$query" --latency-seconds 0 --runs 1 "$@" >/dev/null
echo "== hot methods (all threads): $jfr_file"
"$JAVA_HOME/bin/jfr" view --width 200 hot-methods "$jfr_file"
echo "== top frames of the reactor thread (laminar-reactor-0)"
"$JAVA_HOME/bin/jfr" print --events jdk.ExecutionSample --stack-depth 1 "$jfr_file" \
  | awk '/sampledThread = "laminar-reactor-0"/ {r=1} /stackTrace = \[/ {if (r) {getline; sub(/^ +/, ""); n[$0]++; t++}; r=0}
         END {for (f in n) printf "%6.1f%%  %s\n", 100*n[f]/t, f}' | sort -rn | head -25
echo "== allocation by class"
"$JAVA_HOME/bin/jfr" view --width 200 allocation-by-class "$jfr_file" | head -25
