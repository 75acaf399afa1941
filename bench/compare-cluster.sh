#!/usr/bin/env bash
# A 3-broker Sluice cluster vs a 3-node Apache Kafka cluster, side by side (one after the other) on
# this machine: replicated produce, latency and failover. Prints a table of Sluice/Kafka ratios.
#
# usage: bench/compare-cluster.sh [--quick] [--only kafka|sluice] [--help]
#
#   bench/compare-cluster.sh               # ~10 minutes on 2 cores
#   bench/compare-cluster.sh --quick       # 1/10 of the records, shorter latency and failover runs
#   bench/compare-cluster.sh --only kafka  # one side only (checking the script)
#
# Both clusters run three broker JVMs on loopback with the same JVM options (Kafka's start-script
# defaults, heap $BROKER_HEAP each) and storage settings: Kafka 4.x in KRaft mode, each node broker
# and controller; Sluice as three `sluice server` processes joined through a `sluice zookeeper`
# process (counted in CPU, as Kafka's controllers are). Topics: $PARTITIONS partitions, replication
# factor 3, min.insync.replicas 2. Cases, in order:
#  1. produce acks=all, 100 B and 1 KiB records (Kafka's ProducerPerformance): records/s, MB/s, and
#     CPU seconds per GB summed over every process of the cluster;
#  2. latency acks=all at LAT_RATE rec/s (BenchClient latency, warm-up not recorded): p50/p99;
#     then false failovers: partitions whose leader moved during cases 1-2, where nothing failed
#     (a broker's session lost to load alone; should be 0);
#  3. controller failover: kill -9 of the controller (Kafka: the KRaft quorum leader) until
#     another is named; the node is restarted afterwards;
#  4. leader failover: an idempotent acks=all producer at FAIL_RATE rec/s on partition 0 while its
#     leader is kill -9'd: time from the kill to the first acknowledged record sent after it, and
#     the records read back (acknowledged but lost, duplicated: both must be 0).
# Each system is started with its own defaults for failure detection (Kafka:
# broker.session.timeout.ms 9 s; Sluice: zookeeper.session.timeout.ms); what the README reports.
#
# Environment: KAFKA_VERSION (4.1.1), BROKER_HEAP (1g), PARTITIONS (3), N100 (1000000), N1K (100000),
# WARM (300000), LAT_RATE (5000), LAT_SECONDS (15), FAIL_RATE (500), FAIL_SECONDS (40), BENCH_TMP
# (/tmp), KEEP=1 keeps the data dirs, SLUICE_OPTS_EXTRA (more settings for every Sluice broker).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
here="$root/bench/compare"
cd "$root"

PARTITIONS="${PARTITIONS:-3}"
N100="${N100:-1000000}"
N1K="${N1K:-100000}"
WARM="${WARM:-300000}"
LAT_RATE="${LAT_RATE:-5000}"
LAT_SECONDS="${LAT_SECONDS:-15}"
LAT_WARMUP="${LAT_WARMUP:-5}"
FAIL_RATE="${FAIL_RATE:-500}"
FAIL_SECONDS="${FAIL_SECONDS:-40}"
only=""
round=1 # one run of each, recorded as round 1
source "$here/lib.sh"

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) N100=$((N100 / 10)); N1K=$((N1K / 10)); WARM=$((WARM / 10)); LAT_SECONDS=5; LAT_WARMUP=2; FAIL_SECONDS=30; shift ;;
    --only) only="$2"; shift 2 ;;
    -h|--help) print_usage "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

bench_init sluice-cluster-vs-kafka
declare -A pid=()     # node id -> pid
declare -A port=()    # node id -> client port
extra_pids=()         # processes of the cluster that are not brokers (Sluice's ZooKeeper)

now_ms() { date +%s%3N; }

stop_all() {
  local p
  for p in "${pid[@]}" "${extra_pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pid[@]}" "${extra_pids[@]}"; do
    for _ in $(seq 1 300); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  pid=(); port=(); extra_pids=()
}
cleanup() {
  stop_all
  if [ "${KEEP:-0}" != 1 ]; then rm -rf "$work"/*/data*; fi
}
trap cleanup EXIT

prepare_both BenchClient.java ClusterBenchClient.java
bench() { java -Xmx512m -Dlog4j.configuration="file:$here/client-log4j.properties" \
    -Dlog4j2.configurationFile="$here/client-log4j2.properties" -cp "$client_cp" ClusterBenchClient "$@"; }

# ---------------------------------------------------------------------------------------------------
# Clusters: start_<name> DIR starts three nodes (ids 1-3) and sets pid/port; start_node_<name> DIR ID
# (re)starts one on its data
# ---------------------------------------------------------------------------------------------------
kafka_voters=""
start_node_kafka() { # dir id
  local dir=$1 id=$2
  java "${BROKER_JVM[@]}" "${KAFKA_LOG[@]}" -cp "$kcp" kafka.Kafka "$dir/node$id.properties" \
      >> "$dir/node$id.log" 2>&1 &
  pid[$id]=$!
}
start_kafka() {
  local dir=$1 id cid cports=() voters=""
  cid=$(probe cluster-id)
  for id in 1 2 3; do port[$id]=$(probe free-port); cports[$id]=$(probe free-port); done
  for id in 1 2 3; do voters+="${voters:+,}$id@localhost:${cports[$id]}"; done
  for id in 1 2 3; do
    kraft_properties "$dir/node$id.properties" "$id" "$voters" "${port[$id]}" "${cports[$id]}" "$dir/data$id" \
        log.segment.bytes=1073741824 offsets.topic.replication.factor=3 transaction.state.log.replication.factor=3 \
        transaction.state.log.min.isr=2 group.initial.rebalance.delay.ms=0
    format_kafka "$dir/node$id.properties" "$cid" "$dir/format$id.log"
  done
  for id in 1 2 3; do start_node_kafka "$dir" "$id"; done
}

sluice_zk=""
start_node_sluice() { # dir id
  local dir=$1 id=$2
  # shellcheck disable=SC2086
  sluice_java "${BROKER_JVM[@]}" -- server \
      "broker.id=$id" "listeners=PLAINTEXT://localhost:${port[$id]}" "log.dirs=$dir/data$id" \
      "zookeeper.connect=$sluice_zk" log.segment.bytes=1073741824 offsets.topic.replication.factor=3 \
      ${SLUICE_OPTS_EXTRA:-} >> "$dir/node$id.log" 2>&1 &
  pid[$id]=$!
}
start_sluice() {
  local dir=$1 id zport
  zport=$(probe free-port)
  sluice_java -Xmx256m -- zookeeper --port "$zport" --host 127.0.0.1 \
      --data-dir "$dir/data-zookeeper" > "$dir/zookeeper.log" 2>&1 &
  extra_pids=($!)
  sluice_zk="127.0.0.1:$zport"
  for _ in $(seq 1 300); do (echo > "/dev/tcp/127.0.0.1/$zport") 2>/dev/null && break; sleep 0.1; done
  for id in 1 2 3; do port[$id]=$(probe free-port); done
  for id in 1 2 3; do start_node_sluice "$dir" "$id"; done
}

bootstrap_all() { local id out=""; for id in "${!port[@]}"; do out+="${out:+,}localhost:${port[$id]}"; done; echo "$out"; }
cluster_cpu() { local p total=0; for p in "${pid[@]}" "${extra_pids[@]}"; do total=$(echo "$total + $(probe cpu "$p")" | bc -l); done; echo "$total"; }

# ---------------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------------
produce_case() { # name key topic size records
  local name=$1 key=$2 topic=$3 size=$4 n=$5 cpu0 cpu1 summary
  log "$name: produce $key ($n records of $size B, acks=all, rf=3)"
  cpu0=$(cluster_cpu)
  java "${CLIENT_JVM[@]}" -cp "$kcp" org.apache.kafka.tools.ProducerPerformance --topic "$topic" \
      --num-records "$n" --record-size "$size" --throughput -1 \
      --producer-props "bootstrap.servers=$(bootstrap_all)" acks=all > "$rdir/$key.out" 2>&1 || true
  cpu1=$(cluster_cpu)
  summary=$(grep 'records sent' "$rdir/$key.out" | tail -1)
  log "      $summary"
  probe produced "$summary" "$name" "$key" "$n" "$size" "$cpu0" "$cpu1" "$round" recs,mbs,cpu_per_gb >> "$results"
}

latency_case() { # name topic
  local name=$1 topic=$2 line
  log "$name: latency (100 B records at $LAT_RATE rec/s, acks=all, ${LAT_WARMUP} s warm-up + ${LAT_SECONDS} s measured)"
  line=$(java "${CLIENT_JVM[@]}" -cp "$client_cp" BenchClient latency "$(bootstrap_all)" "$topic" 100 all \
      "$LAT_RATE" "$LAT_WARMUP" "$LAT_SECONDS" 2> "$rdir/latency.err" | tail -1)
  read -r recs achieved p50 p99 p999 max <<< "$line"
  [ -n "${max:-}" ] || { cat "$rdir/latency.err" >&2; exit 1; }
  log "      $recs records at $achieved rec/s: p50 $p50 ms, p99 $p99 ms, p99.9 $p999 ms, max $max ms"
  record "$name" lat-acksall.p50 "$p50"; record "$name" lat-acksall.p99 "$p99"
}

false_failovers() { # name dir: leaders that moved under load alone
  local name=$1 dir=$2 moved
  bench leaders "$(bootstrap_all)" p100 p1k lat > "$dir/leaders-after"
  moved=$(diff "$dir/leaders-before" "$dir/leaders-after" | grep -c '^>' || true)
  log "$name: $moved of $(wc -l < "$dir/leaders-before") partitions changed leader during the produce and latency cases"
  record "$name" false_failovers "$moved"
}

controller_failover() { # name dir
  local name=$1 dir=$2 c ms
  c=$(bench controller "$(bootstrap_all)")
  log "$name: controller failover (kill -9 of controller $c)"
  rm -f "$rdir/killed"
  kill -KILL "${pid[$c]}"; now_ms > "$rdir/killed"
  wait "${pid[$c]}" 2>/dev/null || true
  local survivors="" id
  for id in "${!port[@]}"; do [ "$id" = "$c" ] || survivors+="${survivors:+,}localhost:${port[$id]}"; done
  ms=$(bench controller-change "$survivors" "$c" "$rdir/killed" 120)
  log "      a new controller after $ms ms"
  record "$name" controller_failover_ms "$ms"
  log "$name: restarting node $c"
  "start_node_$name" "$dir" "$c"
  bench wait-brokers "$(bootstrap_all)" 3 120
  sleep 5 # let it rejoin every ISR
}

leader_failover() { # name topic
  local name=$1 topic=$2 leader line
  leader=$(bench leader "$(bootstrap_all)" "$topic" 0)
  log "$name: leader failover: $FAIL_RATE rec/s acks=all on $topic-0 for $FAIL_SECONDS s, kill -9 of its leader $leader after 10 s"
  rm -f "$rdir/killed-leader"
  bench failover "$(bootstrap_all)" "$topic" "$FAIL_RATE" "$FAIL_SECONDS" "$rdir/killed-leader" \
      > "$rdir/failover.out" 2> "$rdir/failover.err" &
  local client=$!
  sleep 10
  kill -KILL "${pid[$leader]}"; now_ms > "$rdir/killed-leader"
  wait "${pid[$leader]}" 2>/dev/null || true
  wait "$client" || { cat "$rdir/failover.err" >&2; exit 1; }
  read -r sent acked failed lost dup ms <<< "$(tail -1 "$rdir/failover.out")"
  log "      sent $sent, acknowledged $acked, failed $failed, lost $lost, duplicated $dup; first acknowledgement $ms ms after the kill"
  record "$name" leader_failover_ms "$ms"; record "$name" failover_lost "$lost"; record "$name" failover_duplicated "$dup"
}

run_suite() { # name
  local name=$1 dir t0 t1
  dir="$work/$name"; rdir="$dir"; mkdir -p "$dir"
  log "$name: starting 3 nodes (load average $(load_average))"
  t0=$(now_ms)
  "start_$name" "$dir"
  bench wait-brokers "$(bootstrap_all)" 3 180
  t1=$(now_ms)
  log "$name: 3 brokers listed after $(( (t1 - t0) / 1000 )) s"
  bench create-topics "$(bootstrap_all)" "$PARTITIONS" 3 2 warmup p100 p1k lat failover
  log "$name: warm-up (not measured)"
  java "${CLIENT_JVM[@]}" -cp "$kcp" org.apache.kafka.tools.ProducerPerformance --topic warmup \
      --num-records "$WARM" --record-size 100 --throughput -1 \
      --producer-props "bootstrap.servers=$(bootstrap_all)" acks=all > "$dir/warmup.out" 2>&1
  bench leaders "$(bootstrap_all)" p100 p1k lat > "$dir/leaders-before"
  produce_case "$name" p100-acksall p100 100 "$N100"
  produce_case "$name" p1k-acksall p1k 1024 "$N1K"
  latency_case "$name" lat
  false_failovers "$name" "$dir"
  record "$name" rss_mib "$(for p in "${pid[@]}"; do probe hwm "$p"; done | paste -sd+ | bc)"
  controller_failover "$name" "$dir"
  leader_failover "$name" failover
  log "$name: stopping"
  stop_all
  [ "${KEEP:-0}" = 1 ] || rm -rf "$dir"/data*
}

log "results and logs in $work"
for name in kafka sluice; do
  [ -z "$only" ] || [ "$only" = "$name" ] || continue
  run_suite "$name"
done

echo
ratio_table "$(date -u +%F), $(nproc) cores, Kafka $KAFKA_VERSION vs Sluice $sluice_commit, 3 nodes each, heap $BROKER_HEAP, $PARTITIONS partitions rf=3 min.insync.replicas=2, load average now $(load_average)" "" -- \
  "produce 100 B, acks=all|p100-acksall.recs|records/s|higher|0" \
  "produce 100 B, acks=all|p100-acksall.mbs|MB/s|higher|1" \
  "produce 100 B, acks=all|p100-acksall.cpu_per_gb|cluster CPU s/GB|lower|1" \
  "produce 1 KiB, acks=all|p1k-acksall.recs|records/s|higher|0" \
  "produce 1 KiB, acks=all|p1k-acksall.mbs|MB/s|higher|1" \
  "produce 1 KiB, acks=all|p1k-acksall.cpu_per_gb|cluster CPU s/GB|lower|1" \
  "latency 100 B @ $LAT_RATE rec/s, acks=all|lat-acksall.p50|p50 ms|lower|1" \
  "latency 100 B @ $LAT_RATE rec/s, acks=all|lat-acksall.p99|p99 ms|lower|1" \
  "leaders moved with nothing failed|false_failovers|partitions|lower|0" \
  "peak RSS of the brokers|rss_mib|MiB|lower|0" \
  "controller failover (kill -9)|controller_failover_ms|ms|lower|0" \
  "leader failover (kill -9)|leader_failover_ms|ms|lower|0" \
  "acknowledged but lost|failover_lost|records|lower|0" \
  "duplicated|failover_duplicated|records|lower|0"
log "done; logs in $work"
