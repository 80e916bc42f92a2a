#!/usr/bin/env bash
# End to end on this machine: Kafka, Cassandra and the four services (one JVM each), the demo-traffic
# generator driving the gateway over HTTP at rising rates. Reports the highest sustained rate, per-stage
# throughput, freshness (gateway 2xx -> counted by the query API's minute tier) p50/p99, Cassandra writes per
# event, CPU and memory per process, and ends with the ground-truth check. Builds what it needs, waits for a
# quiet machine, runs dev.tally.bench.e2e.EndToEndBenchmark, prints the results and updates
# docs/benchmarks.md (section "End to end"). About 30 minutes with the defaults, plus the build and the wait.
#
# Usage: bench/e2e.sh [--no-wait] [--no-doc] [EndToEndBenchmark options]
#   --no-wait  do not wait for the machine to be quiet (smoke runs)
#   --no-doc   do not touch docs/benchmarks.md
#   options    --rates 2500,5000,10000,15000,20000,25000,30000 (or from:to:step)  --step 180  --warmup 60
#              --freshness-rate 10000  --max-lag 15  --sites 20  --seed 1  --partitions 6
#              --probe-interval-ms 250  --poll-interval-ms 100  --probe-timeout 60  --drain-timeout 300
#              --heaps gateway=256m,aggregator=512m,sink=512m,query=256m  --set service.key=value (repeatable)
#   smoke run: bench/e2e.sh --no-wait --no-doc --rates 500,1000 --freshness-rate 1000 --step 20 --warmup 10
# Environment: QUIET_WAIT_MAX (seconds, default 1500), BENCH_DEADLINE (seconds for the benchmark JVM,
# default 3600), KEEP_WORK=1 keeps the Kafka and Cassandra data of the run.
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
COMMAND="bench/e2e.sh${*:+ $*}"

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*"; }

# --- Build the benchmark module and what it depends on (tests are not needed to run it) -------------
log "Building benchmarks and the modules it needs"
mvn -B -q -Dstyle.color=never -Dmaven.test.skip=true package -pl benchmarks -am
CP="$ROOT/benchmarks/target/classes:$(cat "$ROOT/benchmarks/target/runtime.classpath")"

# --- Wait for a quiet machine: 1-minute load < 0.6 and no test JVMs or browsers for a minute ---------
busy_reason() {
  local load1
  load1=$(cut -d' ' -f1 /proc/loadavg)
  if awk -v l="$load1" 'BEGIN { exit !(l >= 0.6) }'; then
    echo "load $load1"
    return
  fi
  if pgrep -f 'surefire|failsafe|chromium' >/dev/null 2>&1; then
    echo "test JVMs or browsers running (load $load1)"
    return
  fi
  echo ""
}

QUIET_NOTE="not waited for (--no-wait)"
if [ "$WAIT" -eq 1 ]; then
  max=${QUIET_WAIT_MAX:-1500}
  start=$(date +%s)
  quiet_since=""
  while :; do
    now=$(date +%s)
    reason=$(busy_reason)
    if [ -z "$reason" ]; then
      quiet_since=${quiet_since:-$now}
      if [ $((now - quiet_since)) -ge 60 ]; then
        QUIET_NOTE="yes: load < 0.6 and no surefire/failsafe/chromium processes for 60 s (waited $((now - start)) s)"
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

# --- Run --------------------------------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tally-e2e-bench.XXXXXX")
BENCH_PID=""
stop_bench() {
  if [ -n "$BENCH_PID" ] && kill -0 "$BENCH_PID" 2>/dev/null; then
    log "Stopping the benchmark (pid $BENCH_PID) and everything it started"
    kill -TERM "$BENCH_PID" 2>/dev/null || true
    for _ in $(seq 1 90); do
      kill -0 "$BENCH_PID" 2>/dev/null || break
      sleep 1
    done
    # Its services, Kafka and Cassandra exit by themselves once it is gone (they watch their stdin).
    kill -KILL "$BENCH_PID" 2>/dev/null || true
  fi
}
finish() {
  local status=$?
  stop_bench
  if [ "$status" -eq 0 ] && [ "${KEEP_WORK:-0}" != 1 ]; then
    rm -rf "$WORK/cluster" "$WORK/aggregator-state"
  fi
  log "Logs of this run: $WORK (gateway.log, aggregator.log, sink.log, query.log, *-gc.log)"
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

DOC_ARGS=()
[ "$DOC" -eq 1 ] && DOC_ARGS=(--doc "$ROOT/docs/benchmarks.md")

java -Xmx1g -cp "$CP" dev.tally.bench.e2e.EndToEndBenchmark \
  --work-dir "$WORK" --command "$COMMAND" --quiet-note "$QUIET_NOTE" "${DOC_ARGS[@]}" "${ARGS[@]}" &
BENCH_PID=$!

deadline=$(( $(date +%s) + ${BENCH_DEADLINE:-3600} ))
while kill -0 "$BENCH_PID" 2>/dev/null; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    log "The benchmark ran past ${BENCH_DEADLINE:-3600} s: stopping it"
    stop_bench
    exit 124
  fi
  sleep 1
done
wait "$BENCH_PID"
