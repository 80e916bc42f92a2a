#!/usr/bin/env bash
# Ingest gateway pixel throughput against a bare Undertow server answering the same GIF, in one run, on
# the real local Kafka broker and Cassandra node. Builds what it needs, waits for a quiet machine, runs
# dev.tally.bench.GatewayBenchmark, prints the results and updates docs/benchmarks.md
# (section "Ingest gateway: pixel throughput"). About 6 minutes plus the build and the wait.
#
# Usage: bench/gateway.sh [--no-wait] [--no-doc] [GatewayBenchmark options, e.g. --connections 128 --rounds 3]
#   --no-wait  do not wait for the machine to be quiet (smoke runs)
#   --no-doc   do not touch docs/benchmarks.md
# Environment: QUIET_WAIT_MAX (seconds, default 1500), BENCH_DEADLINE (seconds for the benchmark JVM,
# default 600), KEEP_WORK=1 keeps the Kafka and Cassandra data of the run.
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
COMMAND="bench/gateway.sh${*:+ $*}"

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*"; }

# --- The load tool: wrk from Debian -----------------------------------------------------------------
if ! command -v wrk >/dev/null 2>&1; then
  log "Installing wrk (Debian package)"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get install -y wrk >/dev/null || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y wrk >/dev/null; }
fi

# --- Build the benchmark module and what it depends on (tests are not needed to run it) -------------
log "Building benchmarks and the modules it needs"
mvn -B -q -Dstyle.color=never -Dmaven.test.skip=true package -pl benchmarks -am
CLASSPATH_FILE="$ROOT/benchmarks/target/runtime.classpath"
CP="$ROOT/benchmarks/target/classes:$(cat "$CLASSPATH_FILE")"

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
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tally-gateway-bench.XXXXXX")
BENCH_PID=""
stop_bench() {
  if [ -n "$BENCH_PID" ] && kill -0 "$BENCH_PID" 2>/dev/null; then
    log "Stopping the benchmark (pid $BENCH_PID) and everything it started"
    kill -TERM "$BENCH_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do
      kill -0 "$BENCH_PID" 2>/dev/null || break
      sleep 1
    done
    # Its servers exit by themselves once it is gone (they watch their stdin).
    kill -KILL "$BENCH_PID" 2>/dev/null || true
  fi
}
finish() {
  local status=$?
  stop_bench
  if [ "$status" -eq 0 ] && [ "${KEEP_WORK:-0}" != 1 ]; then
    rm -rf "$WORK/cluster"
  fi
  log "Logs of this run: $WORK (wrk.log, gateway.log, gateway-gc.log, bare.log)"
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

DOC_ARGS=()
[ "$DOC" -eq 1 ] && DOC_ARGS=(--doc "$ROOT/docs/benchmarks.md")

java -Xmx512m -cp "$CP" dev.tally.bench.GatewayBenchmark \
  --work-dir "$WORK" --command "$COMMAND" --quiet-note "$QUIET_NOTE" "${DOC_ARGS[@]}" "${ARGS[@]}" &
BENCH_PID=$!

deadline=$(( $(date +%s) + ${BENCH_DEADLINE:-600} ))
while kill -0 "$BENCH_PID" 2>/dev/null; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    log "The benchmark ran past ${BENCH_DEADLINE:-600} s: stopping it"
    stop_bench
    exit 124
  fi
  sleep 1
done
wait "$BENCH_PID"
