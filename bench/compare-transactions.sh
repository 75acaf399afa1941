#!/usr/bin/env bash
# Transactions: Sluice vs Apache Kafka, side by side (one broker after the other) on this machine;
# prints a table of Sluice/Kafka ratios.
#
# usage: bench/compare-transactions.sh [--quick] [--only kafka|sluice] [--help]
#
#   bench/compare-transactions.sh               # 2 rounds, ~6-10 minutes on 2 cores
#   bench/compare-transactions.sh --quick       # 1 round, 1/10 of the records (checks the script)
#   bench/compare-transactions.sh --only sluice # one broker only
#
# Brokers as bench/compare-kafka.sh starts them (its lib.sh fetches Kafka $KAFKA_VERSION from Maven
# Central and snapshots Sluice's build): one at a time, each a single node (Kafka in KRaft mode, broker
# and controller) on a free port with a fresh data dir, the same JVM options (Kafka's start-script
# defaults, heap $BROKER_HEAP) and storage settings, $PARTITIONS partitions per topic, the default
# __transaction_state (50 partitions). Rounds run in ABBA order. The same kafka-clients load for both:
#  1. warm-up, not measured: WARM records in transactions of 100 and of 10,000 records, and a
#     read_committed read of them;
#  2. transactional produce, 100 records of RECORD_SIZE B per transaction (TXN_SMALL records):
#     bench/compare/TxnBenchClient.java, one transactional kafka-clients producer (so idempotent,
#     acks=all), begin / send / commitTransaction in a loop: records/s, MB/s, commit p50/p99
#     (commitTransaction: its last batches, EndTxn, the markers), broker CPU seconds per GB;
#  3. the same with 10,000 records per transaction (TXN_LARGE records);
#  4. read_committed consume (BenchClient consume, assign mode from the start): of case 2's topic (a
#     commit marker every 100 records per partition touched), of case 3's (markers rare), and of a
#     topic written beforehand (not measured) where every 10th transaction of 100 records was aborted
#     (the fetch's aborted transactions skipped by the client): MB/s and broker CPU seconds per GB.
#
# Environment: ROUNDS (2), KAFKA_VERSION (4.1.1), BROKER_HEAP (1g), PARTITIONS (3), RECORD_SIZE (100),
# TXN_SMALL (200000), TXN_LARGE (2000000), WARM (200000), BENCH_TMP (/tmp), KEEP=1 keeps the data dirs.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
here="$root/bench/compare"
cd "$root"

PARTITIONS="${PARTITIONS:-3}"
RECORD_SIZE="${RECORD_SIZE:-100}"
TXN_SMALL="${TXN_SMALL:-200000}"
TXN_LARGE="${TXN_LARGE:-2000000}"
WARM="${WARM:-200000}"
ROUNDS="${ROUNDS:-2}"
only=""
round=0
source "$here/lib.sh"

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) ROUNDS=1; TXN_SMALL=$((TXN_SMALL / 10)); TXN_LARGE=$((TXN_LARGE / 10)); WARM=$((WARM / 10)); shift ;;
    --only) only="$2"; shift 2 ;;
    -h|--help) print_usage "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

bench_init sluice-txn-vs-kafka
trap cleanup_single EXIT
prepare_both BenchClient.java TxnBenchClient.java
client() { java "${CLIENT_JVM[@]}" -cp "$client_cp" "$@"; }

# Brokers: bench/compare/lib.sh's start_kafka / start_sluice (as bench/compare-kafka.sh: start timed until a
# Metadata request is answered, SIGTERM to stop)
SETTINGS=("num.partitions=$PARTITIONS" log.segment.bytes=1073741824)
KAFKA_SETTINGS=(group.initial.rebalance.delay.ms=0)

# ---------------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------------
txn_case() { # name key topic records per-transaction
  local name=$1 key=$2 topic=$3 n=$4 per=$5 cpu0 cpu1 line
  log "$name: transactional produce $key ($n records of $RECORD_SIZE B, $per per transaction)"
  cpu0=$(probe cpu "$broker_pid")
  line=$(client TxnBenchClient produce "$bootstrap" "$topic" "$RECORD_SIZE" "$n" "$per" "bench-$key-r$round" \
      2> "$rdir/$key.err" | tail -1)
  cpu1=$(probe cpu "$broker_pid")
  read -r recs secs rps mbs txns p50 p99 <<< "$line"
  [ -n "${p99:-}" ] || { cat "$rdir/$key.err" >&2; exit 1; }
  log "      $recs records in $txns transactions, $secs s: $rps records/s, $mbs MB/s, commit p50 $p50 ms, p99 $p99 ms"
  record "$name" "$key.recs" "$rps"; record "$name" "$key.mbs" "$mbs"
  record "$name" "$key.commit_p50" "$p50"; record "$name" "$key.commit_p99" "$p99"
  record "$name" "$key.cpu_per_gb" "$(per_gb "$cpu0" "$cpu1" $((n * RECORD_SIZE)))"
}

rc_case() { # name key topic committed-records
  local name=$1 key=$2 topic=$3 n=$4 line cpu0 cpu1
  log "$name: read_committed consume $key ($n committed records from the start of $topic)"
  cpu0=$(probe cpu "$broker_pid")
  line=$(client BenchClient consume "$bootstrap" "$topic" "$PARTITIONS" "$n" read_committed 2> "$rdir/$key.err" | tail -1)
  cpu1=$(probe cpu "$broker_pid")
  read -r recs bytes secs mbs <<< "$line"
  [ "${recs:-0}" -ge "$n" ] || { cat "$rdir/$key.err" >&2; exit 1; }
  log "      $recs records, $bytes bytes in $secs s: $mbs MB/s"
  record "$name" "$key.mbs" "$mbs"
  record "$name" "$key.cpu_per_gb" "$(per_gb "$cpu0" "$cpu1" "$bytes")"
}

run_suite() { # name (kafka|sluice)
  local name=$1 port dir aborted_total
  dir="$work/$name-r$round"; rdir="$dir"; mkdir -p "$dir/data"
  port=$(probe free-port); bootstrap="localhost:$port"
  log "$name (round $round of $ROUNDS): starting (port $port, load average $(load_average))"
  start_broker_of "$name" "$dir" "$port"
  client BenchClient create-topics "$bootstrap" "$PARTITIONS" warmup txn100 txn10k aborts

  log "$name: warm-up (not measured)"
  client TxnBenchClient produce "$bootstrap" warmup "$RECORD_SIZE" "$WARM" 100 "bench-warm-small-r$round" > "$dir/warmup.out" 2>&1
  client TxnBenchClient produce "$bootstrap" warmup "$RECORD_SIZE" "$WARM" 10000 "bench-warm-large-r$round" >> "$dir/warmup.out" 2>&1
  client BenchClient consume "$bootstrap" warmup "$PARTITIONS" $((2 * WARM)) read_committed >> "$dir/warmup.out" 2>&1
  # the topic with aborted transactions, written before the measured cases (every 10th of 100 records aborted)
  aborted_total=$TXN_SMALL
  client TxnBenchClient produce "$bootstrap" aborts "$RECORD_SIZE" "$aborted_total" 100 "bench-aborts-r$round" 10 \
      >> "$dir/warmup.out" 2>&1

  txn_case "$name" txn100 txn100 "$TXN_SMALL" 100
  txn_case "$name" txn10k txn10k "$TXN_LARGE" 10000
  rc_case "$name" rc100 txn100 "$TXN_SMALL"
  rc_case "$name" rc10k txn10k "$TXN_LARGE"
  rc_case "$name" rcaborts aborts $((aborted_total - aborted_total / 10))

  record "$name" rss_mib "$(probe hwm "$broker_pid")"
  log "$name: stopping"
  stop_broker
  [ "${KEEP:-0}" = 1 ] || rm -rf "$dir/data"
}

log "results and logs in $work"
abba_rounds run_suite "$only"

echo
ratio_table "$(date -u +%F), $(nproc) cores, load average now $(load_average)" \
    "Kafka $KAFKA_VERSION vs Sluice $sluice_commit, heap $BROKER_HEAP each, $PARTITIONS partitions, $RECORD_SIZE B records, $ROUNDS round(s)" "" -- \
  "txn produce, 100 rec/txn|txn100.recs|records/s|higher|0" \
  "txn produce, 100 rec/txn|txn100.commit_p50|commit p50 ms|lower|2" \
  "txn produce, 100 rec/txn|txn100.commit_p99|commit p99 ms|lower|2" \
  "txn produce, 100 rec/txn|txn100.cpu_per_gb|CPU s/GB|lower|2" \
  "txn produce, 10,000 rec/txn|txn10k.recs|records/s|higher|0" \
  "txn produce, 10,000 rec/txn|txn10k.mbs|MB/s|higher|2" \
  "txn produce, 10,000 rec/txn|txn10k.commit_p50|commit p50 ms|lower|2" \
  "txn produce, 10,000 rec/txn|txn10k.cpu_per_gb|CPU s/GB|lower|2" \
  "read_committed consume (100 rec/txn)|rc100.mbs|MB/s|higher|2" \
  "read_committed consume (100 rec/txn)|rc100.cpu_per_gb|CPU s/GB|lower|2" \
  "read_committed consume (10,000 rec/txn)|rc10k.mbs|MB/s|higher|2" \
  "read_committed consume (10,000 rec/txn)|rc10k.cpu_per_gb|CPU s/GB|lower|2" \
  "read_committed consume (10% aborted)|rcaborts.mbs|MB/s|higher|2" \
  "read_committed consume (10% aborted)|rcaborts.cpu_per_gb|CPU s/GB|lower|2" \
  "broker peak RSS|rss_mib|MiB|lower|0"
log "done; results and logs in $work"
