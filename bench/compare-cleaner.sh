#!/usr/bin/env bash
# The log cleaner, Sluice vs Apache Kafka side by side (#13): MB of dirty log cleaned per second and
# broker CPU per GB cleaned, on the same keyed workload; prints Sluice/Kafka ratios. Not a timed test.
#
# usage: bench/compare-cleaner.sh [--quick] [--help]
#
#   bench/compare-cleaner.sh            # RECORDS records over KEYS keys, ROUNDS rounds (~10 minutes on 2 cores)
#   bench/compare-cleaner.sh --quick    # 1/10 of the records and keys, 1 round: checks the script in ~2 minutes
#
# What it does:
#  1. Fetches Apache Kafka ($KAFKA_VERSION) from Maven Central into $SLUICE_BENCH_CACHE (as
#     compare-kafka.sh does; never a dependency of Sluice), builds Sluice and snapshots its module path.
#  2. One broker at a time, Kafka (single-node KRaft) then Sluice (ABBA over rounds), same JVM options
#     (Kafka's start-script defaults, heap $BROKER_HEAP), cleaner defaults (1 thread, 128 MiB dedupe
#     buffer, no I/O throttle) except log.cleaner.backoff.ms=200, a fresh data dir each.
#  3. Creates a one-partition compacted topic (segment.bytes=$SEGMENT) with min.compaction.lag.ms of a
#     day, so nothing is cleaned while the workload is written: RECORDS records (key i % KEYS, values of
#     VALUE bytes, uncompressed) by bench/compare/CleanerBenchClient.java (kafka-clients).
#  4. Measures: the dirty bytes (every segment but the active one), then sets min.compaction.lag.ms=0
#     and waits until the cleaner's checkpoint (cleaner-offset-checkpoint, Kafka's format in both)
#     reaches the active segment: MB/s = dirty MB / seconds from the change to the checkpoint (both
#     include up to one 200 ms backoff), CPU s/GB = broker CPU seconds (/proc/<pid>/stat) over that
#     time per GB of dirty log, and the size of the cleaned segments after.
#  5. Verifies each cleaned topic with a consumer from the beginning: every key's latest value.
#
# Environment: ROUNDS (2), KEYS (100000), RECORDS (2000000), VALUE (100), SEGMENT (33554432),
# KAFKA_VERSION (4.1.1), BROKER_HEAP (1g), BENCH_TMP (/tmp), KEEP=1 keeps the data dirs.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
here="$root/bench/compare"
cd "$root"

KAFKA_VERSION="${KAFKA_VERSION:-4.1.1}"
cache="${SLUICE_BENCH_CACHE:-$HOME/.cache/sluice-bench}/kafka-$KAFKA_VERSION"
BROKER_HEAP="${BROKER_HEAP:-1g}"
ROUNDS="${ROUNDS:-2}"
KEYS="${KEYS:-100000}"
RECORDS="${RECORDS:-2000000}"
VALUE="${VALUE:-100}"
SEGMENT="${SEGMENT:-33554432}"
TOPIC=cleaner-bench
round=0

for arg in "$@"; do
  case "$arg" in
    --quick) ROUNDS=1; KEYS=$((KEYS / 10)); RECORDS=$((RECORDS / 10)); SEGMENT=$((SEGMENT / 8)) ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg (see --help)" >&2; exit 2 ;;
  esac
done

BROKER_JVM=(-Xms"$BROKER_HEAP" -Xmx"$BROKER_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20
  -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true)
KAFKA_LOG=(-Dlog4j.configuration="file:$here/kafka-log4j.properties"
  -Dlog4j2.configurationFile="$here/kafka-log4j2.properties")
CLIENT_JVM=(-Xmx512m "${KAFKA_LOG[@]}")

work="$(mktemp -d "${BENCH_TMP:-/tmp}/sluice-cleaner.XXXXXX")"
results="$work/results.tsv"
: > "$results"
started=$SECONDS
broker_pid=""

log() { printf '[%3dm%02ds] %s\n' $(((SECONDS - started) / 60)) $(((SECONDS - started) % 60)) "$*"; }
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$round" >> "$results"; }
probe() { python3 "$here/probe.py" "$@"; }
disk() { python3 "$here/cleaner_probe.py" "$@"; }

cleanup() {
  if [ -n "$broker_pid" ] && kill -0 "$broker_pid" 2>/dev/null; then kill "$broker_pid" 2>/dev/null || true; fi
  if [ "${KEEP:-0}" != 1 ]; then rm -rf "$work"/*/data; fi
}
trap cleanup EXIT

source "$here/lib.sh"
fetch_kafka "$KAFKA_VERSION" "$cache"
kcp="$cache/lib/*"
snapshot_sluice
javac -nowarn -d "$work/classes" -cp "$cache/lib/kafka-clients-$KAFKA_VERSION.jar" "$here/CleanerBenchClient.java"
client() { java "${CLIENT_JVM[@]}" -cp "$work/classes:$kcp" CleanerBenchClient "$@"; }

start_kafka() { # dir port
  local dir=$1 port=$2 cport
  cport=$(probe free-port)
  cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:$cport
listeners=PLAINTEXT://localhost:$port,CONTROLLER://localhost:$cport
advertised.listeners=PLAINTEXT://localhost:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
log.cleaner.backoff.ms=200
PROPS
  java "${CLIENT_JVM[@]}" -cp "$kcp" kafka.tools.StorageTool format --cluster-id="$(probe cluster-id)" \
      -c "$dir/server.properties" > "$dir/format.log" 2>&1 || { cat "$dir/format.log" >&2; exit 1; }
  java "${BROKER_JVM[@]}" "${KAFKA_LOG[@]}" -cp "$kcp" kafka.Kafka "$dir/server.properties" > "$dir/broker.log" 2>&1 &
  broker_pid=$!
  probe wait-ready "$port" "$(date +%s.%N)" 120 "$broker_pid" > /dev/null || { tail -30 "$dir/broker.log" >&2; exit 1; }
}

start_sluice() { # dir port
  local dir=$1 port=$2
  java "${BROKER_JVM[@]}" -p "$work/sluice-lib" --add-modules ALL-MODULE-PATH \
      -m dev.sluice.tools/dev.sluice.tools.Sluice server \
      "listeners=PLAINTEXT://localhost:$port" "log.dirs=$dir/data" log.cleaner.backoff.ms=200 > "$dir/broker.log" 2>&1 &
  broker_pid=$!
  probe wait-ready "$port" "$(date +%s.%N)" 120 "$broker_pid" > /dev/null || { tail -30 "$dir/broker.log" >&2; exit 1; }
}

stop_broker() {
  kill -TERM "$broker_pid" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$broker_pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$broker_pid" 2>/dev/null && kill -KILL "$broker_pid"
  wait "$broker_pid" 2>/dev/null || true
  broker_pid=""
}

run_case() { # name (kafka|sluice)
  local name=$1 dir port bootstrap active dirty cpu0 cpu1 secs after
  dir="$work/$name-r$round"; mkdir -p "$dir/data"
  port=$(probe free-port); bootstrap="localhost:$port"
  log "$name (round $round of $ROUNDS): starting (port $port, load average $(cut -d' ' -f1-3 /proc/loadavg))"
  "start_$name" "$dir" "$port"
  client create "$bootstrap" "$TOPIC" "$SEGMENT"
  log "$name: writing $RECORDS records over $KEYS keys ($VALUE B values)"
  client produce "$bootstrap" "$TOPIC" "$KEYS" "$RECORDS" "$VALUE" | sed 's/^/      /'
  sleep 2
  read -r active dirty <<< "$(disk segments "$dir/data/$TOPIC-0")"
  log "$name: $dirty dirty bytes below the active segment (base $active); cleaning"
  cpu0=$(probe cpu "$broker_pid")
  client trigger "$bootstrap" "$TOPIC"
  secs=$(disk wait-clean "$dir/data" "$TOPIC" "$active" 600)
  cpu1=$(probe cpu "$broker_pid")
  sleep 1
  after=$(python3 - "$dir/data/$TOPIC-0" "$active" <<'PY'
import os, sys
d, active = sys.argv[1], int(sys.argv[2])
print(sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d) if f.endswith(".log") and int(f[:-4]) < active))
PY
)
  python3 - "$name" "$dirty" "$secs" "$cpu0" "$cpu1" "$after" "$round" >> "$results" <<'PY'
import sys
name, dirty, secs, c0, c1, after, rnd = sys.argv[1:]
dirty, secs, cpu = int(dirty), float(secs), float(c1) - float(c0)
for k, v in (("mbs", f"{dirty / 1e6 / secs:.1f}"), ("cpu_per_gb", f"{cpu / (dirty / 1e9):.2f}"),
             ("secs", f"{secs:.2f}"), ("dirty_mb", f"{dirty / 1e6:.1f}"), ("after_mb", f"{int(after) / 1e6:.1f}")):
    print(f"{name}\t{k}\t{v}\t{rnd}")
PY
  log "$name: cleaned $((dirty / 1000000)) MB in $secs s, CPU $(python3 -c "print(f'{$cpu1 - $cpu0:.1f}')") s; cleaned segments now $((after / 1000000)) MB"
  log "$name: verifying (consumer from the beginning)"
  client verify "$bootstrap" "$TOPIC" "$KEYS" "$RECORDS" | sed 's/^/      records read, keys checked: /'
  stop_broker
  [ "${KEEP:-0}" = 1 ] || rm -rf "$dir/data"
}

log "results and logs in $work"
for ((round = 1; round <= ROUNDS; round++)); do
  if ((round % 2 == 1)); then run_case kafka; run_case sluice; else run_case sluice; run_case kafka; fi
done

echo
python3 - "$results" "$KAFKA_VERSION" "$sluice_commit" "$RECORDS" "$KEYS" "$VALUE" "$SEGMENT" <<'PY'
import statistics, sys
path, kv, commit, records, keys, value, segment = sys.argv[1:]
rows = [l.rstrip("\n").split("\t") for l in open(path) if l.strip()]
def med(name, key):
    return statistics.median(float(v) for n, k, v, r in rows if n == name and k == key)
print(f"Log cleaner, {records} records over {keys} keys ({value} B values), segment.bytes {segment}; "
      f"Kafka {kv} vs Sluice {commit}; medians of {len({r for *_, r in rows})} round(s)")
print(f"{'':24}{'Kafka':>10}{'Sluice':>10}{'Sluice/Kafka':>14}")
for key, label in (("mbs", "cleaned MB/s"), ("cpu_per_gb", "CPU s per GB cleaned"), ("secs", "cleaning seconds"),
                   ("dirty_mb", "dirty MB"), ("after_mb", "MB after cleaning")):
    k, s = med("kafka", key), med("sluice", key)
    print(f"{label:24}{k:>10.2f}{s:>10.2f}{(s / k if k else float('nan')):>14.2f}")
PY
log "done; results in $results"
