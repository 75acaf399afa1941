#!/usr/bin/env bash
# Measures how long a Sluice broker takes to start on a data directory holding many partitions,
# after a clean stop and after kill -9 (the README's "restart time" row).
#
# usage: bench/restart-time.sh [--partitions N[,N...]] [--records R] [--help]
#   bench/restart-time.sh                           # 1000 and 5000 partitions, 100,000 records each run
#   bench/restart-time.sh --partitions 2000 --records 50000
# For each partition count: a fresh data directory, one topic with that many partitions, R records
# of 100 bytes spread over them (perf-produce), then: clean stop -> start (timed), kill -9 -> start
# (timed). The time is the broker's own "started in N ms" (opening and recovering every log,
# producer state, groups) plus the whole process until it accepts connections.
# Numbers on a shared 2-core machine are noisy: run it on a quiet machine and compare ratios.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
partitions="1000,5000"
records=100000
while [ $# -gt 0 ]; do
  case "$1" in
    --partitions) partitions="$2"; shift 2 ;;
    --records) records="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "restart-time.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
sluice="$root/sluice"
"$sluice" --version >/dev/null # builds once, before anything is timed
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
work="$(mktemp -d)"
pid=""
cleanup() { [ -n "${KEEP:-}" ] && cp "$work/server.log" /tmp/restart-time-server.log 2>/dev/null; [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
for n in ${partitions//,/ }; do
  if [ "$n" -gt $(( $(ulimit -n) - 1000 )) ]; then
    echo "restart-time.sh: $n partitions need more file descriptors than ulimit -n ($(ulimit -n)) allows; raise it (ulimit -Hn as root)" >&2; exit 2
  fi
done

took=""
start() { # starts the broker on $data, waits until it is ready; sets $pid and $took
  local log="$work/server.log" t0 t1
  t0=$(date +%s%N)
  "$sluice" server "listeners=PLAINTEXT://127.0.0.1:$port" "log.dirs=$data" >"$log" 2>&1 &
  pid=$!
  until grep -q 'Sluice is running' "$log"; do
    kill -0 "$pid" 2>/dev/null || { echo "restart-time.sh: the broker died:" >&2; tail -20 "$log" >&2; exit 1; }
    sleep 0.1
  done
  t1=$(date +%s%N)
  local inside; inside=$(grep -o 'started in [0-9]* ms' "$log" | grep -o '[0-9]*')
  took=$(printf '%.1f s (broker: %.1f s)' "$(echo "($t1-$t0)/1000000000" | bc -l)" "$(echo "$inside/1000" | bc -l)")
}

printf '%-11s %-32s %-32s\n' partitions "after a clean stop" "after kill -9"
for n in ${partitions//,/ }; do
  data="$work/data-$n"
  start
  "$sluice" topics --bootstrap-server "127.0.0.1:$port" --create --topic t --partitions "$n" >/dev/null
  "$sluice" perf-produce --topic t --num-records "$records" --record-size 100 --throughput -1 \
      --producer-props "bootstrap.servers=127.0.0.1:$port" >/dev/null
  kill -TERM "$pid"; wait "$pid" || true
  start; clean="$took"
  kill -9 "$pid"; wait "$pid" 2>/dev/null || true
  start; crashed="$took"
  kill -TERM "$pid"; wait "$pid" || true; pid=""
  printf '%-11s %-32s %-32s\n' "$n" "$clean" "$crashed"
  rm -rf "$data"
done
