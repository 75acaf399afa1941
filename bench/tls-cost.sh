#!/usr/bin/env bash
# What TLS costs a Sluice broker: the same broker's PLAINTEXT and SSL listeners side by side, driven by
# Sluice's own perf tools (`sluice perf-produce` / `perf-consume`, the SSL runs with --command-config
# holding Kafka's client settings). Prints throughput and broker CPU per GB for each
# listener and the SSL/PLAINTEXT ratio. Not Apache Kafka over SSL: a ratio within Sluice.
#
# usage: bench/tls-cost.sh [--quick] [--help]
#
# One broker (`sluice server`, the launcher's JVM defaults) with listeners PLAINTEXT and SSL (ssl.client.auth=none; keys made
# with keytool in a temp dir, EC P-256, TLS 1.3 as negotiated by the JDK), one partition per topic, acks=1.
# Cases: produce N100 records of 100 B and N1K of 1 KiB, then consume them. Rounds in ABBA order
# (PLAINTEXT, SSL, SSL, PLAINTEXT); the table shows the medians of each listener's two runs.
# Environment: N100 (1000000), N1K (200000), PORT and SSL_PORT (the listeners; free ones), BENCH_TMP (/tmp), KEEP=1.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
here="$root/bench/compare"
cd "$root"
source "$here/lib.sh"
N100="${N100:-1000000}"
N1K="${N1K:-200000}"
PASS=bench-secret

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) N100=$((N100 / 10)); N1K=$((N1K / 10)); shift ;;
    -h|--help) print_usage "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

PORT="${PORT:-$(probe free-port)}"
SSL_PORT="${SSL_PORT:-$(probe free-port)}"
tmp="$(mktemp -d "${BENCH_TMP:-/tmp}/sluice-tls-cost-XXXXXX")"
broker_pid=""
cleanup() {
  if [ -n "$broker_pid" ] && kill -0 "$broker_pid" 2>/dev/null; then
    kill "$broker_pid"; wait "$broker_pid" 2>/dev/null || true
  fi
  [ "${KEEP:-0}" = 1 ] || rm -rf "$tmp"
}
trap cleanup EXIT

# ---- certificates, as the README's TLS section makes them
make_tls_material "$tmp" "$PASS"
cat > "$tmp/ssl.properties" <<PROPS
security.protocol=SSL
ssl.truststore.location=$tmp/truststore.p12
ssl.truststore.password=$PASS
ssl.truststore.type=PKCS12
PROPS

# ---- the broker
./sluice server listeners=PLAINTEXT://127.0.0.1:$PORT,SSL://127.0.0.1:$SSL_PORT log.dirs="$tmp/data" \
  ssl.keystore.location="$tmp/broker.p12" ssl.keystore.password="$PASS" ssl.keystore.type=PKCS12 \
  log.flush.interval.messages=9223372036854775807 >"$tmp/broker.log" 2>&1 &
broker_pid=$!
for _ in $(seq 1 120); do
  if ./sluice topics --bootstrap-server 127.0.0.1:$PORT --list >/dev/null 2>&1; then break; fi
  sleep 1
done
jvm_pid="$(pgrep -f -n "log.dirs=$tmp/data" || echo "$broker_pid")"


declare -A results
run_case() { # listener size count
  local listener="$1" size="$2" count="$3" port config topic before after line
  port=$PORT; config=()
  if [ "$listener" = SSL ]; then port=$SSL_PORT; fi
  topic="tls-cost-$listener-$size-$RANDOM"
  ./sluice topics --bootstrap-server 127.0.0.1:$PORT --create --topic "$topic" --partitions 1 >/dev/null
  if [ "$listener" = SSL ]; then config=(--command-config "$tmp/ssl.properties"); fi
  before="$(probe cpu "$jvm_pid")"
  line="$(./sluice perf-produce --topic "$topic" --num-records "$count" --record-size "$size" --throughput -1 \
    --producer-props bootstrap.servers=127.0.0.1:$port acks=1 linger.ms=5 "${config[@]}" 2>/dev/null | tail -1)"
  after="$(probe cpu "$jvm_pid")"
  local mbs cpu
  mbs="$(sed -E 's/.*records\/sec \(([0-9.]+) MB\/sec\).*/\1/' <<<"$line")"
  cpu="$(per_gb "$before" "$after" $((count * size)))"
  results["$listener produce $size B MB/s"]+="$mbs "
  results["$listener produce $size B CPU s/GB"]+="$cpu "
  if [ "$listener" = SSL ]; then config=(--command-config "$tmp/ssl.properties"); else config=(); fi
  before="$(probe cpu "$jvm_pid")"
  line="$(./sluice perf-consume --bootstrap-server 127.0.0.1:$port --topic "$topic" \
    --messages "$count" "${config[@]}" 2>/dev/null | tail -1)"
  after="$(probe cpu "$jvm_pid")"
  mbs="$(awk -F', *' '{ print $4 }' <<<"$line")"
  cpu="$(per_gb "$before" "$after" $((count * size)))"
  results["$listener consume $size B MB/s"]+="$mbs "
  results["$listener consume $size B CPU s/GB"]+="$cpu "
}

for listener in PLAINTEXT SSL SSL PLAINTEXT; do
  echo "round: $listener" >&2
  run_case "$listener" 100 "$N100"
  run_case "$listener" 1024 "$N1K"
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
echo "| metric | PLAINTEXT | SSL | SSL/PLAINTEXT |"
echo "|---|---:|---:|---:|"
for metric in "produce 100 B MB/s" "produce 1024 B MB/s" "consume 100 B MB/s" "consume 1024 B MB/s" \
              "produce 100 B CPU s/GB" "produce 1024 B CPU s/GB" "consume 100 B CPU s/GB" "consume 1024 B CPU s/GB"; do
  p="$(median <<<"${results["PLAINTEXT $metric"]}")"
  s="$(median <<<"${results["SSL $metric"]}")"
  r="$(awk -v p="$p" -v s="$s" 'BEGIN { if (p > 0) printf "%.2f", s / p; else print "-" }')"
  echo "| $metric | $p | $s | $r |"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
