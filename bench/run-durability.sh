#!/usr/bin/env bash
# Issue 6's figures from one run: the WAL per sync policy (component: WalHarness; through the engine:
# EngineWalHarness), checkpoints of 1 M and 10 M keys full vs incremental with 1 % changed, recovery time and
# hot-path latency with and without checkpoints running (CheckpointHarness), one after the other in one command.
# Usage: bench/run-durability.sh [--rebuild] [--dir DIR]  (DIR: where logs and state go; put it on the disk to
# measure). Output: each harness's report on stdout and in bench/target/durability-<timestamp>/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd -P)
rebuild=
dir="$root/bench/target/durability-data"
while [ $# -gt 0 ]; do
  case "$1" in
    --rebuild) rebuild=--rebuild ;;
    --dir) dir=$2; shift ;;
    *) echo "usage: bench/run-durability.sh [--rebuild] [--dir DIR]" >&2; exit 2 ;;
  esac
  shift
done
out="$root/bench/target/durability-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
rm -rf "$dir"
{ echo "commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown), $(date -u), load: $(cut -d' ' -f1-3 /proc/loadavg)"; } | tee "$out/run.txt"
BENCH_JVM_OPTS="-Xms2g -Xmx2g -XX:+AlwaysPreTouch" "$root/bench/run-java.sh" dev.laminar.bench.WalHarness $rebuild \
  --dir "$dir/wal" --records 2000000 --commits 1000 | tee "$out/wal.txt"
rm -rf "$dir"
"$root/bench/run-engine-wal.sh" --dir "$dir/engine-wal" --rows 5000000 --commits 1000 | tee "$out/engine-wal.txt"
rm -rf "$dir"
"$root/bench/run-checkpoint.sh" --dir "$dir/checkpoint" --keys 1000000,10000000 --rounds 3 | tee "$out/checkpoint.txt"
rm -rf "$dir"
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg); reports in $out" | tee -a "$out/run.txt"
