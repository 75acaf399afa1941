#!/usr/bin/env bash
# Failover of a 3-broker Sluice cluster against zookeeper.session.timeout.ms, to choose its default:
# fast failover without false session expiries under load on this machine.
#
# usage: bench/failover.sh [--quick] [--help]
#
#   bench/failover.sh            # session timeouts 4000 6000 9000 18000 ms, 3 rounds each (~15 min on 2 cores)
#   bench/failover.sh --quick    # 6000 and 18000 ms, 1 round, 20 s of load
#
# For each session timeout: ZooKeeper (tick 500 ms, or session/18 above 9 s: a session is granted between 2
# and 20 ticks, so each is granted as asked) and three `sluice server` processes, a topic of
# $PARTITIONS partitions with replication factor 3 and min.insync.replicas 2. Then, $ROUNDS times:
#  1. controller failover: kill -9 of the controller until the metadata names another (ms);
#  2. broker failover: kill -9 of a broker that is not the controller until the metadata shows every
#     partition led by another broker (ms): what clients see of a dead leader;
# each killed broker restarted and back in every ISR before the next. Last, under load: Kafka's
# ProducerPerformance at full speed (acks=1, 100 B records) for $LOAD_SECONDS s, plus a full GC
# request to every broker every 5 s; any session expiry or controller change logged meanwhile is a
# false failover (nothing was killed). Prints one table row per session timeout.
#
# Kafka's own figures (KRaft, 3 nodes, its defaults) come from bench/compare-cluster.sh.
#
# Environment: SESSIONS ("4000 6000 9000 18000"), ROUNDS (3), PARTITIONS (6), LOAD_SECONDS (60),
# BROKER_HEAP (512m), KAFKA_VERSION (4.1.1, only for its clients and ProducerPerformance), BENCH_TMP (/tmp),
# KEEP=1 keeps the run's directory.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
here="$root/bench/compare"
cd "$root"

SESSIONS="${SESSIONS:-4000 6000 9000 18000}"
ROUNDS="${ROUNDS:-3}"
PARTITIONS="${PARTITIONS:-6}"
LOAD_SECONDS="${LOAD_SECONDS:-60}"
BROKER_HEAP="${BROKER_HEAP:-512m}"
source "$here/lib.sh"

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) SESSIONS="6000 18000"; ROUNDS=1; LOAD_SECONDS=20; shift ;;
    -h|--help) print_usage "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

bench_init sluice-failover
declare -A pid=() port=()
zk_pid=""
now_ms() { date +%s%3N; }

stop_all() {
  local p
  for p in "${pid[@]}" $zk_pid; do kill -KILL "$p" 2>/dev/null || true; { wait "$p"; } 2>/dev/null || true; done
  pid=(); zk_pid=""
}
cleanup() { stop_all; [ "${KEEP:-0}" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT

prepare_both FailoverProbe.java
fp() { java -Xmx256m -Dlog4j.configuration="file:$here/client-log4j.properties" \
    -Dlog4j2.configurationFile="$here/client-log4j2.properties" -cp "$client_cp" FailoverProbe "$@"; }

start_broker() { # dir id session-ms
  local dir=$1 id=$2 session=$3
  sluice_java -Xms"$BROKER_HEAP" -Xmx"$BROKER_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -- server \
      "broker.id=$id" "listeners=PLAINTEXT://127.0.0.1:${port[$id]}" "log.dirs=$dir/data$id" \
      "zookeeper.connect=$zk" "zookeeper.session.timeout.ms=$session" offsets.topic.replication.factor=3 \
      >> "$dir/broker$id.log" 2>&1 &
  pid[$id]=$!
}
bootstrap_all() { local id out=""; for id in 1 2 3; do out+="${out:+,}127.0.0.1:${port[$id]}"; done; echo "$out"; }
survivors() { local id out=""; for id in 1 2 3; do [ "$id" = "$1" ] || out+="${out:+,}127.0.0.1:${port[$id]}"; done; echo "$out"; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
maximum() { sort -n | tail -1; }
settle() { # every partition led, its ISR whole again (or 30 s passed)
  fp wait-isr "$(bootstrap_all)" failover 3 30 2>> "$dir/probe.err" || log "  (ISR not whole after 30 s; going on)"
}
false_failovers() { # dir: session expiries and elections logged so far
  cat "$1"/broker*.log | grep -c -E 'session expired|is the controller with epoch' || true
}

rows=()
for session in $SESSIONS; do
  dir="$work/session-$session"; mkdir -p "$dir"
  zport=$(probe free-port)
  tick=$(( session / 18 > 500 ? session / 18 : 500 )) # sessions are granted between 2 and 20 ticks
  sluice_java -Xmx256m -- zookeeper --port "$zport" --host 127.0.0.1 --tick-ms "$tick" --data-dir "$dir/zookeeper" \
      > "$dir/zookeeper.log" 2>&1 &
  zk_pid=$!
  zk="127.0.0.1:$zport"
  for _ in $(seq 1 300); do (echo > "/dev/tcp/127.0.0.1/$zport") 2>/dev/null && break; sleep 0.1; done
  for id in 1 2 3; do port[$id]=$(probe free-port); done
  for id in 1 2 3; do start_broker "$dir" "$id" "$session"; done
  log "zookeeper.session.timeout.ms=$session: starting ZooKeeper and 3 brokers (data in $dir)"
  fp create-topic "$(bootstrap_all)" failover "$PARTITIONS" 3 2 2>> "$dir/probe.err" \
      || { sleep 5; fp create-topic "$(bootstrap_all)" failover "$PARTITIONS" 3 2 2>> "$dir/probe.err"; }
  settle
  : > "$dir/controller.ms"; : > "$dir/leaders.ms"
  for round in $(seq 1 "$ROUNDS"); do
    c=$(fp controller "$(bootstrap_all)" 2>> "$dir/probe.err")
    kill -KILL "${pid[$c]}"; now_ms > "$dir/killed"; { wait "${pid[$c]}"; } 2>/dev/null || true
    ms=$(fp controller-change "$(survivors "$c")" "$c" "$dir/killed" 120 2>> "$dir/probe.err")
    echo "$ms" >> "$dir/controller.ms"
    log "  round $round: kill -9 of controller $c: another named after $ms ms"
    start_broker "$dir" "$c" "$session"
    settle

    c=$(fp controller "$(bootstrap_all)" 2>> "$dir/probe.err")
    victim=""
    for id in $(fp leaders "$(bootstrap_all)" failover 2>> "$dir/probe.err"); do
      if [ "$id" != "$c" ] && [ "$id" -gt 0 ]; then victim=$id; break; fi
    done
    [ -n "$victim" ] || { log "  round $round: every partition led by the controller; skipped"; continue; }
    kill -KILL "${pid[$victim]}"; now_ms > "$dir/killed"; { wait "${pid[$victim]}"; } 2>/dev/null || true
    ms=$(fp leaders-moved "$(survivors "$victim")" failover "$victim" "$dir/killed" 120 2>> "$dir/probe.err")
    echo "$ms" >> "$dir/leaders.ms"
    log "  round $round: kill -9 of broker $victim (a leader): all its partitions led elsewhere after $ms ms"
    start_broker "$dir" "$victim" "$session"
    settle
  done

  before=$(false_failovers "$dir")
  log "  load: ProducerPerformance acks=1 at full speed for $LOAD_SECONDS s, a full GC of every broker every 5 s"
  timeout "$LOAD_SECONDS" java -Xmx512m -Dlog4j.configuration="file:$here/client-log4j.properties" \
      -Dlog4j2.configurationFile="$here/client-log4j2.properties" -cp "$kcp" org.apache.kafka.tools.ProducerPerformance \
      --topic failover --num-records 1000000000 --record-size 100 --throughput -1 \
      --producer-props "bootstrap.servers=$(bootstrap_all)" acks=1 > "$dir/load.out" 2>&1 &
  load=$!
  while kill -0 "$load" 2>/dev/null; do
    for id in 1 2 3; do jcmd "${pid[$id]}" GC.run > /dev/null 2>&1 || true; done
    sleep 5
  done
  wait "$load" 2>/dev/null || true
  sleep 2
  false=$(( $(false_failovers "$dir") - before ))
  rate=$(grep 'records/sec' "$dir/load.out" | tail -3 | sed -E 's/.* ([0-9.]+) records\/sec.*/\1/' | paste -sd' ')
  log "  under load ($rate rec/s in the last windows): $false session expiries or elections"
  rows+=("$(printf '| %6s | %8s | %8s | %8s | %8s | %6s |' "$session" \
      "$(median < "$dir/controller.ms")" "$(maximum < "$dir/controller.ms")" \
      "$(median < "$dir/leaders.ms")" "$(maximum < "$dir/leaders.ms")" "$false")")
  stop_all
done

echo
echo "$(date -u +%F), $(nproc) cores, Sluice $sluice_commit, 3 brokers (heap $BROKER_HEAP), $PARTITIONS partitions rf=3, $ROUNDS rounds, ${LOAD_SECONDS} s of load"
echo "| session ms | controller failover median / max ms | leaders moved median / max ms | false failovers under load |"
echo "|---|---|---|---|"
for row in "${rows[@]}"; do
  # shellcheck disable=SC2086
  set -- $(echo "$row" | tr -d '|')
  echo "| $1 | $2 / $3 | $4 / $5 | $6 |"
done
log "done"
