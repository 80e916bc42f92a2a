#!/usr/bin/env bash
# Query API benchmark: aggregate, timeseries and breakdown over 1, 30 and 90 days answered by tier
# composition and, in the same run on the same data, from the minute tier alone, on the real local
# Cassandra node. Builds what it needs (no install), loads synthetic rollups, prints the results and
# updates docs/benchmarks.md (section "Query API: tier composition vs the minute tier").
#
# Usage: bench/query.sh [--no-doc] [QueryBenchmark options, e.g. --total-days 365 --page-days 90 --pages 10000]
# Environment: BENCH_DEADLINE (seconds for the benchmark JVM, default 3600), KEEP_WORK=1 keeps the data.
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
COMMAND="bench/query.sh${*:+ $*}"
log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*"; }

log "Building benchmarks and the modules it needs"
mvn -B -q -Dstyle.color=never -Dmaven.test.skip=true package -pl benchmarks -am
CP="$ROOT/benchmarks/target/classes:$(cat "$ROOT/benchmarks/target/runtime.classpath")"

LOAD1=$(cut -d' ' -f1 /proc/loadavg)
OTHERS=$(pgrep -fc 'surefire|failsafe|chromium' || true)
QUIET_NOTE="no wait; 1-minute load $LOAD1 and $OTHERS surefire/failsafe/chromium processes at the start"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tally-query-bench.XXXXXX")
finish() {
  local status=$?
  if [ "$status" -eq 0 ] && [ "${KEEP_WORK:-0}" != 1 ]; then rm -rf "$WORK/cluster"; fi
  log "Work directory of this run: $WORK"
  exit "$status"
}
trap finish EXIT

# Run from a copy of this worktree's classes and jars, so a rebuild during the run cannot change them.
mkdir -p "$WORK/classpath"
COPIED=()
IFS=':' read -r -a ENTRIES <<< "$CP"
for i in "${!ENTRIES[@]}"; do
  entry=${ENTRIES[$i]}
  if [[ "$entry" == "$ROOT"/* ]]; then
    target="$WORK/classpath/$i-$(basename "$entry")"
    cp -r "$entry" "$target"
    entry=$target
  fi
  COPIED+=("$entry")
done
CP=$(IFS=':'; echo "${COPIED[*]}")

DOC_ARGS=()
[ "$DOC" -eq 1 ] && DOC_ARGS=(--doc "$ROOT/docs/benchmarks.md")
timeout "${BENCH_DEADLINE:-3600}" java -Xmx2g -cp "$CP" dev.tally.bench.query.QueryBenchmark \
  --work-dir "$WORK" --command "$COMMAND" --quiet-note "$QUIET_NOTE" "${DOC_ARGS[@]}" "${ARGS[@]}"
