#!/usr/bin/env bash
# Stream aggregator throughput (enrichment + all dimensions + minute/hour/day rollups, exactly-once v2)
# against the plain baseline groupByKey().windowedBy(1 minute).count() with exactly-once, over the same
# input, alternating in one run, on the real local Kafka broker: (a) 1,000 sites with even traffic and
# (b) one site with 90% of it, both live (events spread over event time at 50,000 events/s), and (a) again
# as an hour's backlog of a quiet installation. Prints the results and updates docs/benchmarks.md (section
# "Stream aggregator: events per second"). About 15-20 minutes on 2 cores, plus the build.
#
# Usage: bench/aggregator.sh [--no-doc] [AggregatorBenchmark options: --events 1000000 --rounds 3 --scenarios even,hot,hot-alone,catchup]
# Environment: KEEP_WORK=1 keeps the Kafka data and state directories of the run.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

DOC=1
ARGS=()
for arg in "$@"; do
  case "$arg" in
    --no-doc) DOC=0 ;;
    *) ARGS+=("$arg") ;;
  esac
done
COMMAND="bench/aggregator.sh${*:+ $*}"
log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*"; }

log "Building benchmarks and the modules it needs (package only, nothing installed)"
mvn -B -q -Dstyle.color=never -DskipTests package -pl benchmarks -am
CP="$ROOT/benchmarks/target/classes:$(cat "$ROOT/benchmarks/target/runtime.classpath")"

# What else runs on the machine is part of the result: record it.
BESIDE="load $(cut -d' ' -f1-3 /proc/loadavg); other JVMs: $(pgrep -fc 'surefire|failsafe|plexus-classworlds' || true) maven/test processes"
log "Beside this run: $BESIDE"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tally-aggregator-bench.XXXXXX")
finish() {
  local status=$?
  if [ "$status" -eq 0 ] && [ "${KEEP_WORK:-0}" != 1 ]; then
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap finish EXIT

DOC_ARGS=()
[ "$DOC" -eq 1 ] && DOC_ARGS=(--doc "$ROOT/docs/benchmarks.md")
java -Xmx3g -cp "$CP" dev.tally.bench.aggregator.AggregatorBenchmark \
  --work-dir "$WORK" --command "$COMMAND" --quiet-note "$BESIDE" "${DOC_ARGS[@]}" "${ARGS[@]}"
