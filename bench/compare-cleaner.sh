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

ROUNDS="${ROUNDS:-2}"
KEYS="${KEYS:-100000}"
RECORDS="${RECORDS:-2000000}"
VALUE="${VALUE:-100}"
SEGMENT="${SEGMENT:-33554432}"
TOPIC=cleaner-bench
round=0
source "$here/lib.sh"

for arg in "$@"; do
  case "$arg" in
    --quick) ROUNDS=1; KEYS=$((KEYS / 10)); RECORDS=$((RECORDS / 10)); SEGMENT=$((SEGMENT / 8)) ;;
    -h|--help) print_usage "$0"; exit 0 ;;
    *) echo "unknown argument: $arg (see --help)" >&2; exit 2 ;;
  esac
done

bench_init sluice-cleaner
trap cleanup_single EXIT
disk() { python3 "$here/cleaner_probe.py" "$@"; }
prepare_both CleanerBenchClient.java
client() { java "${CLIENT_JVM[@]}" -cp "$client_cp" CleanerBenchClient "$@"; }
# Brokers: bench/compare/lib.sh's start_kafka / start_sluice, the cleaner's back-off shortened for both
SETTINGS=(log.cleaner.backoff.ms=200)

run_case() { # name (kafka|sluice)
  local name=$1 dir port bootstrap active dirty cpu0 cpu1 secs after
  dir="$work/$name-r$round"; mkdir -p "$dir/data"
  port=$(probe free-port); bootstrap="localhost:$port"
  log "$name (round $round of $ROUNDS): starting (port $port, load average $(load_average))"
  start_broker_of "$name" "$dir" "$port"
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
  record "$name" mbs "$(calc "$dirty / 1e6 / $secs" 1)"
  record "$name" cpu_per_gb "$(per_gb "$cpu0" "$cpu1" "$dirty")"
  record "$name" secs "$secs"
  record "$name" dirty_mb "$(calc "$dirty / 1e6" 1)"
  record "$name" after_mb "$(calc "$after / 1e6" 1)"
  log "$name: cleaned $((dirty / 1000000)) MB in $secs s, CPU $(calc "$cpu1 - $cpu0" 1) s; cleaned segments now $((after / 1000000)) MB"
  log "$name: verifying (consumer from the beginning)"
  client verify "$bootstrap" "$TOPIC" "$KEYS" "$RECORDS" | sed 's/^/      records read, keys checked: /'
  stop_broker
  [ "${KEEP:-0}" = 1 ] || rm -rf "$dir/data"
}

log "results and logs in $work"
abba_rounds run_case

echo
ratio_table "Log cleaner, $RECORDS records over $KEYS keys ($VALUE B values), segment.bytes $SEGMENT; Kafka $KAFKA_VERSION vs Sluice $sluice_commit" "" -- \
  "cleaned|mbs|MB/s|higher|2" \
  "CPU per GB cleaned|cpu_per_gb|CPU s/GB|lower|2" \
  "cleaning|secs|s|lower|2" \
  "dirty log before|dirty_mb|MB|lower|2" \
  "cleaned segments after|after_mb|MB|lower|2"
log "done; results in $results"
