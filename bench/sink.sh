#!/usr/bin/env bash
# Cassandra sink write-path benchmarks on a real local Cassandra node: raw rows/s of the sink's
# single-partition batches against single-row prepared async inserts (same rows, same concurrency,
# same run), and Cassandra writes per 1,000 events for the rollups at 10,000 events/s over 1,000 sites.
# Builds what it needs (package, never install), waits for a quiet machine, runs
# dev.tally.bench.sink.SinkBenchmark, prints the results and updates docs/benchmarks.md
# (section "Cassandra sink: raw rows/s and rollup writes"). About 20 minutes plus the build and the wait.
#
# Usage: bench/sink.sh [--no-wait] [--no-doc] [SinkBenchmark options, e.g. --rounds 5 --raw-events 200000]
#   --no-wait  do not wait for the machine to be quiet (smoke runs)
#   --no-doc   do not touch docs/benchmarks.md
# Environment: QUIET_WAIT_MAX (seconds, default 900), BENCH_DEADLINE (seconds for the benchmark JVM,
# default 1800).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

WAIT=1
DOC=1
ARGS=()
for arg in "$@"; do
  case "$arg" in
    --no-wait) WAIT=0 ;;
    --no-doc) DOC=0 ;;
    *) ARGS+=("$arg") ;;
  esac
done
COMMAND="bench/sink.sh${*:+ $*}"

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*"; }

log "Building benchmarks and the modules it needs"
mvn -B -q -Dstyle.color=never -Dmaven.test.skip=true package -pl benchmarks -am
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tally-sink-bench.XXXXXX")
# The project's own jars are copied, so that a build started while the benchmark runs cannot change
# classes under it.
mkdir -p "$WORK/lib"
cp -r "$ROOT/benchmarks/target/classes" "$WORK/lib/benchmarks-classes"
CP="$WORK/lib/benchmarks-classes"
# The file has no final newline, so read reports end of file.
IFS=":" read -r -a ENTRIES < "$ROOT/benchmarks/target/runtime.classpath" || true
for entry in "${ENTRIES[@]}"; do
  if [[ "$entry" == "$ROOT"/* ]]; then
    copy="$WORK/lib/$(echo "${entry#"$ROOT"/}" | tr '/' '_')"
    cp -r "$entry" "$copy"
    entry="$copy"
  fi
  CP="$CP:$entry"
done

# --- Wait for a quiet machine: 1-minute load < 0.6 and no test JVMs for a minute ---------------------
busy_reason() {
  local load1
  load1=$(cut -d' ' -f1 /proc/loadavg)
  if awk -v l="$load1" 'BEGIN { exit !(l >= 0.6) }'; then
    echo "load $load1"
    return
  fi
  if pgrep -f 'surefire|failsafe' >/dev/null 2>&1; then
    echo "test JVMs running (load $load1)"
    return
  fi
  echo ""
}

QUIET_NOTE="not waited for (--no-wait)"
if [ "$WAIT" -eq 1 ]; then
  max=${QUIET_WAIT_MAX:-900}
  start=$(date +%s)
  quiet_since=""
  while :; do
    now=$(date +%s)
    reason=$(busy_reason)
    if [ -z "$reason" ]; then
      quiet_since=${quiet_since:-$now}
      if [ $((now - quiet_since)) -ge 60 ]; then
        QUIET_NOTE="yes: load < 0.6 and no surefire/failsafe processes for 60 s (waited $((now - start)) s)"
        break
      fi
    else
      quiet_since=""
      if [ $((now - start)) -ge "$max" ]; then
        QUIET_NOTE="**no**: still busy after waiting $max s ($reason); ran anyway"
        break
      fi
    fi
    log "Waiting for a quiet machine: ${reason:-quiet for $((now - ${quiet_since:-$now})) s}"
    sleep 10
  done
fi
log "Quiet: $QUIET_NOTE"

BENCH_PID=""
stop_bench() {
  if [ -n "$BENCH_PID" ] && kill -0 "$BENCH_PID" 2>/dev/null; then
    log "Stopping the benchmark (pid $BENCH_PID); its Kafka and Cassandra exit with it"
    kill -TERM "$BENCH_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do
      kill -0 "$BENCH_PID" 2>/dev/null || break
      sleep 1
    done
    kill -KILL "$BENCH_PID" 2>/dev/null || true
  fi
}
finish() {
  local status=$?
  stop_bench
  [ "$status" -eq 0 ] && rm -rf "$WORK/cluster" "$WORK/lib"
  log "Work directory of this run: $WORK"
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

DOC_ARGS=()
[ "$DOC" -eq 1 ] && DOC_ARGS=(--doc "$ROOT/docs/benchmarks.md")

java -Xmx3g -cp "$CP" dev.tally.bench.sink.SinkBenchmark \
  --work-dir "$WORK" --command "$COMMAND" --quiet-note "$QUIET_NOTE" "${DOC_ARGS[@]}" "${ARGS[@]}" &
BENCH_PID=$!

deadline=$(( $(date +%s) + ${BENCH_DEADLINE:-1800} ))
while kill -0 "$BENCH_PID" 2>/dev/null; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    log "The benchmark ran past ${BENCH_DEADLINE:-1800} s: stopping it"
    stop_bench
    exit 124
  fi
  sleep 1
done
wait "$BENCH_PID"
