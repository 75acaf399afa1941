#!/usr/bin/env bash
# Sluice Streams vs Apache Kafka Streams: the same word count against one Sluice broker on this
# machine, side by side; prints records per second and end-to-end latency of each.
#
# usage: bench/compare-streams.sh [--quick] [--only sluice|kafka] [--help]
#
#   bench/compare-streams.sh            # 2 rounds (ABBA), ~5 minutes on 2 cores
#   bench/compare-streams.sh --quick    # 1 round, small sizes (checks the script)
#
# A fresh `./sluice server` on a free port with a temporary data dir (stopped at the end). The load is
# modules/streams' StreamsBenchmark (run through Maven's test runner, which puts kafka-streams, a test
# dependency, on its class path): per run a new input and output topic of PARTITIONS partitions, both
# applications at-least-once with commit.interval.ms=1000, every update emitted (Kafka Streams' record
# cache off, as Sluice Streams has none), producers' linger.ms=10 (Sluice Streams' default; Kafka
# Streams' own is 100) and the same kind of store (STORE=memory: in-memory in both; persistent: LMDB
# against RocksDB). The input is the same in both (same seed); each run has topics of its own.
#  1. throughput: LINES lines (input records) of 5 words (1,000-word vocabulary) written before the
#     application starts; lines per second from its first output record to the last of the 5 x LINES updates;
#  2. latency: RATE lines/s for DURATION seconds; each update's delay from the line's CreateTime to its
#     arrival at a consumer of the output topic: p50 and p99 in ms.
#
# Prints each run, then the means per implementation and their ratio Sluice/Kafka Streams.
# Environment: ROUNDS (2), LINES (200000), RATE (1000), DURATION (20 s; not SECONDS, bash's own clock),
# PARTITIONS (3), STORE (memory), BENCH_TMP (/tmp).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
here="$root/bench/compare"
source "$here/lib.sh"
ROUNDS="${ROUNDS:-2}"; LINES="${LINES:-200000}"; RATE="${RATE:-1000}"; DURATION="${DURATION:-20}"
PARTITIONS="${PARTITIONS:-3}"; STORE="${STORE:-memory}"; only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) ROUNDS=1; LINES=20000; RATE=500; DURATION=5; shift ;;
    --only) only="$2"; shift 2 ;;
    -h|--help) print_usage "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

work="$(mktemp -d "${BENCH_TMP:-/tmp}/sluice-streams-bench.XXXXXX")"
port="$(probe free-port)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "building (broker and streams test classes)" >&2
(cd "$root" && mvn -B -q -DskipTests package -pl tools,modules/streams -am) >&2
touch "$root/tools/target/lib/.built"
"$root/sluice" server "listeners=PLAINTEXT://127.0.0.1:$port" "log.dirs=$work/data" \
  group.initial.rebalance.delay.ms=0 > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do grep -q "Sluice is running" "$work/server.log" && break; sleep 0.5; done
grep -q "Sluice is running" "$work/server.log" || { cat "$work/server.log" >&2; exit 1; }

echo "running: rounds=$ROUNDS lines=$LINES rate=$RATE/s for ${DURATION}s partitions=$PARTITIONS store=$STORE" >&2
# Maven's -D properties reach the test JVM as system properties
(cd "$root" && mvn -B -q -o -pl modules/streams -am test -Dtest=StreamsBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  "-Dsluice.streams.bench=127.0.0.1:$port" "-Dbench.lines=$LINES" "-Dbench.rate=$RATE" "-Dbench.seconds=$DURATION" \
  "-Dbench.partitions=$PARTITIONS" "-Dbench.rounds=$ROUNDS" "-Dbench.store=$STORE" "-Dbench.only=$only") >&2
out="$root/modules/streams/target/surefire-reports/dev.sluice.streams.StreamsBenchmark-output.txt"
printf '%-8s %12s %10s %10s\n' impl "lines/s" "p50 ms" "p99 ms"
grep '^RESULT' "$out" | awk -F'\t' '
  { printf "%-8s %12s %10s %10s\n", $2, $3, $4, $5; n[$2]++; t[$2] += $3; p50[$2] += $4; p99[$2] += $5 }
  END {
    for (i in n) printf "%-8s %12.0f %10.0f %10.0f   (mean of %d)\n", i, t[i] / n[i], p50[i] / n[i], p99[i] / n[i], n[i]
    if (n["sluice"] && n["kafka"] && p50["kafka"] && p99["kafka"])
      printf "%-8s %12.2f %10.2f %10.2f   (Sluice / Kafka Streams: above 1 is more lines/s, longer latency)\n", "ratio",
        (t["sluice"] / n["sluice"]) / (t["kafka"] / n["kafka"]), (p50["sluice"] / n["sluice"]) / (p50["kafka"] / n["kafka"]),
        (p99["sluice"] / n["sluice"]) / (p99["kafka"] / n["kafka"])
  }'
