#!/usr/bin/env bash
# Sluice vs Apache Kafka, side by side in one run on this machine; prints a table of Sluice/Kafka ratios.
#
# usage: bench/compare-kafka.sh [--quick] [--no-profile] [--sasl-ssl] [--help]
#
#   bench/compare-kafka.sh                 # full run: 2 rounds, ~10-15 minutes on 2 cores
#   bench/compare-kafka.sh --quick         # 1 round, 1/10 of the records: checks the script in ~4 minutes
#   bench/compare-kafka.sh --no-profile    # skip the JFR profile of Sluice at the end
#   PROFILE=both bench/compare-kafka.sh    # profile Kafka in the same case too, for comparison
#   LOADGEN=sluice bench/compare-kafka.sh  # drive both brokers with sluice perf-produce / perf-consume
#   bench/compare-kafka.sh --sasl-ssl      # every client over SASL_SSL (TLS + a SCRAM-SHA-512 login)
#
# What it does (details and results in README.md, "Sluice vs Apache Kafka"):
#  1. Fetches Apache Kafka (broker + tools, $KAFKA_VERSION) from Maven Central into
#     $SLUICE_BENCH_CACHE/kafka-<version>/lib (default ~/.cache/sluice-bench; never a dependency of
#     Sluice), builds Sluice (./sluice builds itself) and copies tools/target/lib, so a concurrent
#     rebuild cannot change the jars under the running broker.
#  2. One broker at a time (never both at once), each on a free port with a fresh data dir under
#     $BENCH_TMP (default /tmp), the same JVM options (Kafka's start-script defaults, heap
#     $BROKER_HEAP) and storage settings (one log dir, 1 GiB segments, no fsync per message):
#     Kafka as a single-node KRaft broker+controller, then Sluice. Each gets the same unmeasured
#     warm-up (WARM100 records of 100 B, WARM1K of 1 KiB) first.
#  3. The same load generator for both (LOADGEN): kafka (default) is Kafka's ProducerPerformance for
#     produce and bench/compare/BenchClient.java (kafka-clients) for consume, in assign mode so no
#     group rebalance is measured, and for latency; sluice is `sluice perf-produce` / `perf-consume`.
#  4. Measures: produce records/s and MB/s (100 B and 1 KiB records, acks=1 and acks=all), broker
#     CPU seconds per GB (/proc/<pid>/stat), p50/p99 latency at a fixed rate after an unrecorded
#     warm-up, consume MB/s, broker peak RSS (VmHWM), start-up time (JVM launch until a Metadata
#     request is answered). Rounds run in ABBA order; the table shows medians and per-round ratios.
#  5. With --sasl-ssl both brokers get a second listener SASL_SSL with the same settings: one keystore
#     made by keytool for the run (EC P-256, the JDK's TLS 1.3 on both sides), sasl.enabled.mechanisms=
#     $MECHANISM (SCRAM-SHA-512 or -256, or PLAIN) and a user "bench" (SCRAM: added with Kafka's Admin
#     over the PLAINTEXT listener, which only the readiness probe and that step use; PLAIN: in the
#     listener's JAAS text); every measured client (and the warm-up) connects there with the same
#     client settings (the truststore, sasl.mechanism, sasl.jaas.config), Kafka's tools via
#     --producer.config, BenchClient via -Dbench.client.config, sluice's via --command-config.
#  6. Profiles the Sluice broker (PROFILE=sluice, the default; both; none) during the 100 B acks=1
#     case in a separate start after the measured runs: per-thread CPU and a JFR summary.
#
# Environment: ROUNDS (2), KAFKA_VERSION (4.1.1), BROKER_HEAP (1g), N100 (3000000 records of 100 B),
# N1K (300000 records of 1 KiB), WARM100 (1000000), WARM1K (100000), LAT_RATE (20000 rec/s),
# LAT_SIZE (100 B), LAT_SECONDS (20 s measured after LAT_WARMUP, 5 s), PROF_N (records in the
# profiled case, 2 x N100), PARTITIONS (1), BENCH_TMP (/tmp), KEEP=1 keeps the data dirs,
# EXTRA_BROKER_OPTS (more JVM options for both brokers), MECHANISM (SCRAM-SHA-512, with --sasl-ssl).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
here="$root/bench/compare"
cd "$root"

N100="${N100:-3000000}"
N1K="${N1K:-300000}"
LAT_RATE="${LAT_RATE:-20000}"
LAT_SIZE="${LAT_SIZE:-100}"
LAT_SECONDS="${LAT_SECONDS:-20}"
LAT_WARMUP="${LAT_WARMUP:-5}"
PARTITIONS="${PARTITIONS:-1}"
PROFILE="${PROFILE:-sluice}"
LOADGEN="${LOADGEN:-kafka}"
WARM100="${WARM100:-1000000}"
WARM1K="${WARM1K:-100000}"
PROF_N="${PROF_N:-}"
ROUNDS="${ROUNDS:-2}"
SECURITY=PLAINTEXT
MECHANISM="${MECHANISM:-SCRAM-SHA-512}"
round=0
source "$here/lib.sh"

for arg in "$@"; do
  case "$arg" in
    --quick) ROUNDS=1; N100=$((N100 / 10)); N1K=$((N1K / 10)); LAT_SECONDS=5; LAT_WARMUP=2; WARM100=$((WARM100 / 10)); WARM1K=$((WARM1K / 10)) ;;
    --no-profile) PROFILE=none ;;
    --sasl-ssl) SECURITY=SASL_SSL ;;
    -h|--help) print_usage "$0"; exit 0 ;;
    *) echo "unknown argument: $arg (see --help)" >&2; exit 2 ;;
  esac
done

bench_init sluice-vs-kafka
trap cleanup_single EXIT

# ---------------------------------------------------------------------------------------------------
# 1. Apache Kafka from Maven Central (cached) and Sluice (snapshot of the built module path)
# ---------------------------------------------------------------------------------------------------
prepare_both BenchClient.java

# ---------------------------------------------------------------------------------------------------
# Brokers: bench/compare/lib.sh's start_kafka / start_sluice (timed until a Metadata request is answered)
# with this run's partitions and 1 GiB segments, and stop_broker
# ---------------------------------------------------------------------------------------------------
SETTINGS=("num.partitions=$PARTITIONS" log.segment.bytes=1073741824)
KAFKA_SETTINGS=(group.initial.rebalance.delay.ms=0)

# ---------------------------------------------------------------------------------------------------
# --sasl-ssl: the same TLS and SASL settings for both brokers' SASL_SSL listener, one client properties
# file for every measured client (client_config; empty over PLAINTEXT)
# ---------------------------------------------------------------------------------------------------
client_config=""
if [ "$SECURITY" = SASL_SSL ]; then
  pass=bench-secret
  mkdir -p "$work/tls"
  make_tls_material "$work/tls" "$pass"
  case "$MECHANISM" in
    PLAIN) module=org.apache.kafka.common.security.plain.PlainLoginModule; users="user_bench=\"$pass\"" ;;
    SCRAM-SHA-256|SCRAM-SHA-512) module=org.apache.kafka.common.security.scram.ScramLoginModule; users="" ;;
    *) echo "MECHANISM=$MECHANISM: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512" >&2; exit 2 ;;
  esac
  jaas_key="listener.name.sasl_ssl.$(tr '[:upper:]' '[:lower:]' <<< "$MECHANISM").sasl.jaas.config"
  SETTINGS+=("ssl.keystore.location=$work/tls/broker.p12" "ssl.keystore.password=$pass" ssl.keystore.type=PKCS12
    "sasl.enabled.mechanisms=$MECHANISM" "$jaas_key=$module required${users:+ $users};")
  client_config="$work/client.properties"
  printf '%s\n' security.protocol=SASL_SSL "ssl.truststore.location=$work/tls/truststore.p12" \
    "ssl.truststore.password=$pass" ssl.truststore.type=PKCS12 "sasl.mechanism=$MECHANISM" \
    "sasl.jaas.config=$module required username=\"bench\" password=\"$pass\";" > "$client_config"
fi

# Kafka's clients of bench/compare (BenchClient) with the run's client settings.
bench_client() {
  java "${CLIENT_JVM[@]}" ${client_config:+"-Dbench.client.config=$client_config"} -cp "$client_cp" BenchClient "$@"
}

# Starts broker NAME (kafka|sluice) with its data in DIR/data on free ports (a SASL_SSL listener too with
# --sasl-ssl, its SCRAM user added over PLAINTEXT); sets bootstrap, the listener every measured client uses.
start_side() { # name dir
  local port
  port=$(probe free-port)
  [ "$SECURITY" = PLAINTEXT ] || EXTRA_LISTENER="SASL_SSL://localhost:$(probe free-port)"
  log "$1 (round $round of $ROUNDS): starting (ports $port${EXTRA_LISTENER:+ and ${EXTRA_LISTENER##*:} ($SECURITY)}, data in $2/data, load average $(load_average))"
  start_broker_of "$1" "$2" "$port"
  bootstrap="localhost:$port"
  if [ "$SECURITY" = SASL_SSL ]; then
    case "$MECHANISM" in SCRAM-*)
      java "${CLIENT_JVM[@]}" -cp "$client_cp" BenchClient add-scram-user "$bootstrap" "$MECHANISM" bench "$pass" ;;
    esac
    bootstrap="${EXTRA_LISTENER#*://}"
  fi
}

# ---------------------------------------------------------------------------------------------------
# Load generator hook. LOADGEN=kafka (default): Kafka's ProducerPerformance and BenchClient consume
# and latency. LOADGEN=sluice: Sluice's own `sluice perf-produce` / `perf-consume` (same options and
# output as Kafka's tools), run from "$work/sluice-lib". Contract:
#   loadgen_produce must end its output with ProducerPerformance's summary line
#     "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, P50 ms 50th, ..."
#   loadgen_consume must print one line "records bytes seconds MB/s".
#   loadgen_latency must print one line "records achieved-rec/s p50-ms p99-ms p99.9-ms max-ms".
# With LOADGEN=sluice the latency case has no unrecorded warm-up (perf-produce, like Kafka's
# ProducerPerformance, has none): the client's own JIT warm-up counts against Sluice.
# ---------------------------------------------------------------------------------------------------
sluice_cli() {
  java "${CLIENT_JVM[@]}" -p "$work/sluice-lib" --add-modules ALL-MODULE-PATH \
    -m dev.sluice.tools/dev.sluice.tools.Sluice "$@"
}

loadgen_produce() { # bootstrap topic record-size acks records rate
  case "$LOADGEN" in
    kafka) java "${CLIENT_JVM[@]}" -cp "$kcp" org.apache.kafka.tools.ProducerPerformance --topic "$2" \
             --num-records "$5" --record-size "$3" --throughput "$6" ${client_config:+--producer.config "$client_config"} \
             --producer-props "bootstrap.servers=$1" "acks=$4" ;;
    sluice) sluice_cli perf-produce --topic "$2" --num-records "$5" --record-size "$3" --throughput "$6" \
             ${client_config:+--command-config "$client_config"} --producer-props "bootstrap.servers=$1" "acks=$4" ;;
    *) echo "LOADGEN=$LOADGEN is not implemented yet (see the hook in $0)" >&2; return 1 ;;
  esac
}

loadgen_consume() { # bootstrap topic partitions records
  case "$LOADGEN" in
    kafka) bench_client consume "$1" "$2" "$3" "$4" ;;
    sluice) # kafka-consumer-perf-test's CSV line → "records bytes seconds MB/s" (fetch time, MB = 2^20 there)
      sluice_cli perf-consume --bootstrap-server "$1" --topic "$2" --messages "$4" \
        ${client_config:+--command-config "$client_config"} | tail -1 | python3 -c '
import sys
f = [x.strip() for x in sys.stdin.read().split(",")]
mib, n, fetch_ms = float(f[2]), int(f[4]), float(f[7])
b = int(mib * 1048576); s = fetch_ms / 1000
print(f"{n} {b} {s:.3f} {b / 1e6 / s:.2f}")' ;;
    *) echo "LOADGEN=$LOADGEN is not implemented yet (see the hook in $0)" >&2; return 1 ;;
  esac
}

loadgen_latency() { # bootstrap topic record-size acks rate warmup-seconds seconds
  case "$LOADGEN" in
    kafka) bench_client latency "$@" ;;
    sluice) # warm-up and measured seconds in one run at the fixed rate; summary → the contract line
      sluice_cli perf-produce --topic "$2" --num-records $(( $5 * ($6 + $7) )) --record-size "$3" --throughput "$5" \
        ${client_config:+--command-config "$client_config"} --producer-props "bootstrap.servers=$1" "acks=$4" | grep 'th\.$' | tail -1 | python3 -c '
import re, sys
s = sys.stdin.read()
m = re.search(r"(\d+) records sent, ([\d.]+) records/sec .*?([\d.]+) ms max latency, (\d+) ms 50th, \d+ ms 95th, (\d+) ms 99th, (\d+) ms 99.9th", s)
print(m.group(1), m.group(2), m.group(4), m.group(5), m.group(6), m.group(3))' ;;
    *) echo "LOADGEN=$LOADGEN is not implemented yet (see the hook in $0)" >&2; return 1 ;;
  esac
}

# ---------------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------------
produce_case() { # name key topic size acks records rate
  local name=$1 key=$2 topic=$3 size=$4 acks=$5 n=$6 rate=$7 cpu0 cpu1 out summary
  out="$rdir/$key.out"
  log "$name: produce $key ($n records of $size B, acks=$acks, rate ${rate/-1/unlimited})"
  [ -z "${THREADS:-}" ] || probe threads "$broker_pid" "$rdir/$key.threads"
  cpu0=$(probe cpu "$broker_pid")
  loadgen_produce "$bootstrap" "$topic" "$size" "$acks" "$n" "$rate" 2>&1 | tee "$out" | sed 's/^/      /'
  cpu1=$(probe cpu "$broker_pid")
  [ -z "${THREADS:-}" ] || probe threads-diff "$broker_pid" "$rdir/$key.threads" > "$work/threads-$name-$key-r$round.txt"
  summary=$(grep 'records sent' "$out" | tail -1)
  probe produced "$summary" "$name" "$key" "$n" "$size" "$cpu0" "$cpu1" "$round" recs,mbs,p50,p99,cpu_per_gb,cpu_s \
      >> "$results"
}

latency_case() { # name key topic size acks
  local name=$1 key=$2 topic=$3 size=$4 acks=$5 line
  log "$name: latency $key ($size B records at $LAT_RATE rec/s, acks=$acks, ${LAT_WARMUP} s warm-up + ${LAT_SECONDS} s measured)"
  line=$(loadgen_latency "$bootstrap" "$topic" "$size" "$acks" "$LAT_RATE" "$LAT_WARMUP" "$LAT_SECONDS" \
      2> "$rdir/$key.err" | tail -1)
  read -r recs achieved p50 p99 p999 max <<< "$line"
  [ -n "${max:-}" ] || { cat "$rdir/$key.err" >&2; exit 1; }
  log "      $recs records at $achieved rec/s: p50 $p50 ms, p99 $p99 ms, p99.9 $p999 ms, max $max ms"
  record "$name" "$key.recs" "$achieved"; record "$name" "$key.p50" "$p50"; record "$name" "$key.p99" "$p99"
  record "$name" "$key.p999" "$p999"
}

consume_case() { # name key topic records
  local name=$1 key=$2 topic=$3 n=$4 line cpu0 cpu1
  log "$name: consume $key ($n records from the start of $topic)"
  cpu0=$(probe cpu "$broker_pid")
  line=$(loadgen_consume "$bootstrap" "$topic" "$PARTITIONS" "$n" 2> "$rdir/$key.err" | tail -1)
  cpu1=$(probe cpu "$broker_pid")
  read -r recs bytes secs mbs <<< "$line"
  [ "$recs" -ge "$n" ] || { cat "$rdir/$key.err" >&2; exit 1; }
  log "      $recs records, $bytes bytes in $secs s: $mbs MB/s"
  record "$name" "$key.mbs" "$mbs"
  record "$name" "$key.cpu_per_gb" "$(per_gb "$cpu0" "$cpu1" "$bytes")"
}

run_suite() { # name (kafka|sluice)
  local name=$1 dir
  dir="$work/$name-r$round"; rdir="$dir"; mkdir -p "$dir/data"
  start_side "$name" "$dir"
  log "$name: ready after $startup s (pid $broker_pid)"
  record "$name" startup_s "$startup"
  bench_client create-topics "$bootstrap" "$PARTITIONS" \
      warmup p100-acks1 p100-acksall p1k-acks1 p1k-acksall lat-acks1 lat-acksall

  # warm-up (JIT) of both record sizes; same for both brokers, not measured
  log "$name: warm-up (not measured)"
  loadgen_produce "$bootstrap" warmup 100 1 "$WARM100" -1 > "$dir/warmup.out" 2>&1
  loadgen_produce "$bootstrap" warmup 1024 1 "$WARM1K" -1 >> "$dir/warmup.out" 2>&1
  loadgen_consume "$bootstrap" warmup "$PARTITIONS" $((WARM100 + WARM1K)) > /dev/null 2>&1

  THREADS=1 produce_case "$name" p100-acks1 p100-acks1 100 1 "$N100" -1
  produce_case "$name" p100-acksall p100-acksall 100 all "$N100" -1
  produce_case "$name" p1k-acks1 p1k-acks1 1024 1 "$N1K" -1
  produce_case "$name" p1k-acksall p1k-acksall 1024 all "$N1K" -1
  latency_case "$name" lat-acks1 lat-acks1 "$LAT_SIZE" 1
  latency_case "$name" lat-acksall lat-acksall "$LAT_SIZE" all
  consume_case "$name" c100 p100-acks1 "$N100"
  consume_case "$name" c1k p1k-acks1 "$N1K"

  record "$name" rss_mib "$(probe hwm "$broker_pid")"
  record "$name" data_mib "$(du -sm "$dir/data" | cut -f1)"
  log "$name: stopping (load average $(load_average))"
  stop_broker
  [ "${KEEP:-0}" = 1 ] || rm -rf "$dir/data"
}

profile_run() { # name: the 100 B acks=1 produce case under JFR (settings=profile), separate broker start
  local name=$1 dir jfr
  dir="$work/profile-$name"; mkdir -p "$dir/data"
  jfr="$work/$name-p100-acks1.jfr"
  log "profile $name: starting with JFR available"
  EXTRA_BROKER_OPTS="-XX:+FlightRecorder" start_side "$name" "$dir"
  bench_client create-topics "$bootstrap" "$PARTITIONS" warmup p100-acks1
  loadgen_produce "$bootstrap" warmup 100 1 "$WARM100" -1 > "$dir/warmup.out" 2>&1
  # JDK's profile settings with Java method sampling every 1 ms instead of 10 ms
  sed 's/name="method-profiling" default="high"/name="method-profiling" default="max"/' \
      "$(dirname "$(readlink -f "$(command -v java)")")/../lib/jfr/profile.jfc" > "$work/profile-max.jfc"
  jcmd "$broker_pid" JFR.start name=bench settings="$work/profile-max.jfc" > /dev/null
  probe threads "$broker_pid" "$dir/threads.json"
  loadgen_produce "$bootstrap" p100-acks1 100 1 "${PROF_N:-$((2 * N100))}" -1 2>&1 | tail -1 | sed 's/^/      /'
  probe threads-diff "$broker_pid" "$dir/threads.json" > "$work/profile-$name.txt"
  jcmd "$broker_pid" JFR.stop name=bench filename="$jfr" > /dev/null
  stop_broker
  rm -rf "$dir/data"
  log "profile $name: $jfr"
  python3 "$here/jfr-top.py" "$jfr" >> "$work/profile-$name.txt"
}

log "results and logs in $work"
abba_rounds run_suite
round=0
case "$PROFILE" in
  sluice) profile_run sluice ;;
  both) profile_run sluice; profile_run kafka ;;
esac

echo
LOADGEN="$LOADGEN" python3 "$here/table.py" "$results" \
  "$(date -u +%F), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB RAM, $(java -version 2>&1 | head -1 | cut -d'"' -f2) JDK," \
  "Kafka $KAFKA_VERSION vs Sluice $sluice_commit, heap $BROKER_HEAP each, $PARTITIONS partition(s), clients over $SECURITY${client_config:+ ($MECHANISM)}, load average now $(load_average)" \
  "$N100" "$N1K" "$LAT_SIZE" "$LAT_RATE" "$LAT_SECONDS"
for t in "$work"/threads-*-p100-acks1-r1.txt; do
  [ -f "$t" ] || continue
  echo; echo "$(basename "$t" .txt | cut -d- -f2), produce 100 B acks=1 (measured run):"; head -14 "$t"
done
for p in "$work"/profile-*.txt; do
  [ -f "$p" ] || continue
  echo; echo "Profile of $(basename "$p" .txt | cut -d- -f2) in the 100 B acks=1 produce case (separate run, JFR on):"
  head -100 "$p"
done
log "done; results, logs and JFR recordings in $work"
