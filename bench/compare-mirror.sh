#!/usr/bin/env bash
# Mirror throughput: `sluice mirror` vs Apache Kafka's MirrorMaker 2 (connect-mirror-maker.sh), side by
# side on the same pair of Sluice brokers; prints records/s, mirror CPU seconds per GB and Sluice/MM2 ratios.
#
# usage: bench/compare-mirror.sh [--quick] [--only mm2|sluice] [--help]
#
#   bench/compare-mirror.sh               # 2 rounds (ABBA), 5,000,000 records, ~3-5 minutes on 2 cores
#   bench/compare-mirror.sh --quick       # 1 round, 1/10 of the records (checks the script)
#   bench/compare-mirror.sh --only sluice # one mirror only
#
# Two single Sluice brokers on free ports (source a, target b; the snapshot of Sluice's build, JVM options
# as bench/compare/lib.sh gives every broker). The source topic (PARTITIONS partitions) is filled once with
# RECORDS records of RECORD_SIZE B by Kafka's producer perf tool (acks=1), before any mirror runs. Then each
# mirror in turn (ABBA order over ROUNDS rounds) copies it to a fresh target broker (new data dir, so a new
# remote topic a.<topic> and no stored positions), started from the same properties file (clusters a, b;
# a->b.enabled; a->b.topics = the topic; replication factors 1 for a single broker):
#   sluice: `sluice mirror FILE` (the Sluice snapshot's module path)
#   mm2:    org.apache.kafka.connect.mirror.MirrorMaker FILE, what connect-mirror-maker.sh runs, from
#           Kafka $KAFKA_VERSION's connect-mirror (fetched from Maven Central once into the bench cache)
# both with the JVM options MIRROR_JVM. Timed from the mirror's launch (JVM start and its set-up included,
# alike for both) until bench/compare/MirrorBenchClient.java sees the target topic's end offsets equal the
# source's; the mirror's CPU (utime+stime of its JVM, /proc/<pid>/stat) over the same span, per GB of
# record payload copied. The mirror is then stopped with SIGTERM (SIGKILL after 30 s).
#
# Environment: ROUNDS (2), RECORDS (5000000), RECORD_SIZE (100), PARTITIONS (3), KAFKA_VERSION (4.1.1),
# BROKER_HEAP (1g), MIRROR_HEAP (1g), TIMEOUT (600 s per mirror run), BENCH_TMP (/tmp), KEEP=1 keeps the run's
# directory (data dirs, mirror and broker logs, results.tsv); without it everything goes at exit.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
here="$root/bench/compare"
cd "$root"

PARTITIONS="${PARTITIONS:-3}"
RECORD_SIZE="${RECORD_SIZE:-100}"
RECORDS="${RECORDS:-5000000}"
ROUNDS="${ROUNDS:-2}"
TIMEOUT="${TIMEOUT:-600}"
MIRROR_HEAP="${MIRROR_HEAP:-1g}"
TOPIC=mirrorbench
only=""
round=0
source "$here/lib.sh"

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) ROUNDS=1; RECORDS=$((RECORDS / 10)); shift ;;
    --only) only="$2"; shift 2 ;;
    -h|--help) print_usage "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$only" in ""|mm2|sluice) ;; *) echo "--only mm2|sluice" >&2; exit 2 ;; esac

bench_init sluice-mirror-vs-mm2
MIRROR_JVM=(-Xms"$MIRROR_HEAP" -Xmx"$MIRROR_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true)
source_pid=""
target_pid=""
mirror_pid=""

# Every process this script started is stopped (mirror, then brokers) and the run's directory (data, logs,
# the Sluice snapshot) goes unless KEEP=1.
cleanup() {
  local pid
  for pid in "$mirror_pid" "$target_pid" "$source_pid"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  done
  wait 2>/dev/null || true
  if [ "${KEEP:-0}" != 1 ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

# MirrorMaker 2 (connect-mirror and its Connect runtime) from Maven Central, once, beside Kafka's cache.
mirror_cache="${cache%/*}/kafka-mirror-$KAFKA_VERSION"
if [ ! -f "$mirror_cache/lib/.complete" ]; then
  log "fetching Apache Kafka $KAFKA_VERSION's connect-mirror from Maven Central into $mirror_cache"
  mkdir -p "$mirror_cache"; cp "$here/mirror-pom.xml" "$mirror_cache/pom.xml"; rm -rf "$mirror_cache/lib"
  (cd "$mirror_cache" && mvn -B -q -Dkafka.version="$KAFKA_VERSION" dependency:copy-dependencies \
      -DoutputDirectory=lib -DincludeScope=runtime)
  touch "$mirror_cache/lib/.complete"
fi
prepare_both BenchClient.java MirrorBenchClient.java
client() { java "${CLIENT_JVM[@]}" -cp "$client_cp" "$@"; }

# A broker in its own variable (lib.sh's start_sluice keeps one in broker_pid).
start_named() { # dir port -> pid in broker_pid
  mkdir -p "$1/data"
  start_sluice "$1" "$2" "num.partitions=$PARTITIONS" log.segment.bytes=1073741824
}
stop_pid() { # pid
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$1" 2>/dev/null && { log "  process $1 did not stop in 30 s, killing it"; kill -KILL "$1" 2>/dev/null || true; }
  wait "$1" 2>/dev/null || true
}

# The source: one broker for the whole run, filled once.
source_port=$(probe free-port)
start_named "$work/source" "$source_port"; source_pid=$broker_pid; broker_pid=""
log "source broker on port $source_port (load average $(load_average))"
client BenchClient create-topics "localhost:$source_port" "$PARTITIONS" "$TOPIC"
log "filling $TOPIC: $RECORDS records of $RECORD_SIZE B (Kafka's ProducerPerformance, acks=1)"
java "${CLIENT_JVM[@]}" -cp "$kcp" org.apache.kafka.tools.ProducerPerformance --topic "$TOPIC" \
    --num-records "$RECORDS" --record-size "$RECORD_SIZE" --throughput -1 \
    --producer-props "bootstrap.servers=localhost:$source_port" acks=1 linger.ms=5 batch.size=65536 \
    > "$work/fill.log" 2>&1 || { cat "$work/fill.log" >&2; exit 1; }
tail -1 "$work/fill.log"

run_mirror() { # mm2|sluice
  local name=$1 dir target_port props t0 line recs secs cpu0 cpu1
  dir="$work/$name-r$round"; mkdir -p "$dir"
  target_port=$(probe free-port)
  log "$name (round $round of $ROUNDS): fresh target broker on port $target_port (load average $(load_average))"
  start_named "$dir" "$target_port"; target_pid=$broker_pid; broker_pid=""
  props="$dir/mirror.properties"
  cat > "$props" <<PROPS
clusters = a, b
a.bootstrap.servers = localhost:$source_port
b.bootstrap.servers = localhost:$target_port
a->b.enabled = true
a->b.topics = $TOPIC
b->a.enabled = false
replication.factor = 1
offset.storage.replication.factor = 1
status.storage.replication.factor = 1
config.storage.replication.factor = 1
offset-syncs.topic.replication.factor = 1
checkpoints.topic.replication.factor = 1
heartbeats.topic.replication.factor = 1
sync.topic.acls.enabled = false
PROPS
  t0=$(date +%s.%N)
  case "$name" in
    sluice) sluice_java "${MIRROR_JVM[@]}" -- mirror "$props" > "$dir/mirror.log" 2>&1 & ;;
    mm2) java "${MIRROR_JVM[@]}" "${KAFKA_LOG[@]}" -cp "$mirror_cache/lib/*" \
        org.apache.kafka.connect.mirror.MirrorMaker "$props" > "$dir/mirror.log" 2>&1 & ;;
  esac
  mirror_pid=$!
  cpu0=$(probe cpu "$mirror_pid")
  line=$(client MirrorBenchClient await "localhost:$source_port" "localhost:$target_port" "$TOPIC" "a.$TOPIC" \
      "$PARTITIONS" "$TIMEOUT" 2> "$dir/await.err" | tail -1) || true
  cpu1=$(probe cpu "$mirror_pid")
  secs=$(calc "$(date +%s.%N) - $t0" 3)
  read -r recs _ <<< "$line"
  [ -n "${recs:-}" ] || { tail -5 "$dir/await.err" >&2; tail -30 "$dir/mirror.log" >&2; exit 1; }
  log "      $recs records copied in $secs s from launch: $(calc "$recs / $secs" 0) records/s, CPU $(calc "$cpu1 - $cpu0") s"
  record "$name" recs_per_s "$(calc "$recs / $secs" 0)"
  record "$name" seconds "$secs"
  record "$name" cpu_per_gb "$(per_gb "$cpu0" "$cpu1" $((recs * RECORD_SIZE)))"
  record "$name" rss_mib "$(probe hwm "$mirror_pid")"
  stop_pid "$mirror_pid"; mirror_pid=""
  stop_pid "$target_pid"; target_pid=""
  [ "${KEEP:-0}" = 1 ] || rm -rf "$dir/data"
}

log "logs in $work (removed at exit unless KEEP=1)"
for ((round = 1; round <= ROUNDS; round++)); do
  if [ -n "$only" ]; then run_mirror "$only"
  elif ((round % 2 == 1)); then run_mirror mm2; run_mirror sluice
  else run_mirror sluice; run_mirror mm2; fi
done

# ratios.py names the two sides kafka and sluice: MirrorMaker 2 is the Kafka side here.
sed -i 's/^mm2\t/kafka\t/' "$results"
echo
ratio_table "$(date -u +%F), $(nproc) cores, load average now $(load_average)" \
    "MirrorMaker 2 (Kafka $KAFKA_VERSION, the Kafka column) vs sluice mirror $sluice_commit, heap $MIRROR_HEAP each," \
    "both between two Sluice brokers; $RECORDS records of $RECORD_SIZE B in $PARTITIONS partitions, $ROUNDS round(s)" "" -- \
  "mirror, from launch until copied|recs_per_s|records/s|higher|0" \
  "mirror, from launch until copied|seconds|seconds|lower|2" \
  "mirror process CPU|cpu_per_gb|CPU s/GB|lower|2" \
  "mirror process peak RSS|rss_mib|MiB|lower|0"
log "done"
