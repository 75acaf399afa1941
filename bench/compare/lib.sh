# What the side-by-side benchmarks share (sourced, not run): bench/compare-kafka.sh, compare-cluster.sh,
# compare-transactions.sh, compare-cleaner.sh, compare-mirror.sh, failover.sh, tls-cost.sh and compare-streams.sh.
# Expects: root (the checkout) and here (bench/compare). Sourcing only defines functions, so a script
# sources it before reading its arguments (--help builds and fetches nothing).

# Prints the calling script's header comment (the lines after the shebang up to the first non-comment):
# its --help, which starts with its "usage: bench/..." line.
print_usage() { # script
  awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$1"
}

# Sets what every side-by-side run has: KAFKA_VERSION and its cache, BROKER_HEAP, the JVM options of the
# brokers (Kafka's start-script defaults, kafka-server-start.sh, for both) and of the clients, the run's
# directory $work (under $BENCH_TMP) with its results.tsv, and the clock of log.
bench_init() { # work-dir-prefix
  KAFKA_VERSION="${KAFKA_VERSION:-4.1.1}"
  cache="${SLUICE_BENCH_CACHE:-$HOME/.cache/sluice-bench}/kafka-$KAFKA_VERSION"
  BROKER_HEAP="${BROKER_HEAP:-1g}"
  BROKER_JVM=(-Xms"$BROKER_HEAP" -Xmx"$BROKER_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true)
  KAFKA_LOG=(-Dlog4j.configuration="file:$here/kafka-log4j.properties"
    -Dlog4j2.configurationFile="$here/kafka-log4j2.properties")
  CLIENT_JVM=(-Xmx512m "${KAFKA_LOG[@]}")
  work="$(mktemp -d "${BENCH_TMP:-/tmp}/$1.XXXXXX")"
  results="$work/results.tsv"
  : > "$results"
  started=$SECONDS
  broker_pid=""
  round="${round:-0}"
}

log() { printf '[%3dm%02ds] %s\n' $(((SECONDS - started) / 60)) $(((SECONDS - started) % 60)) "$*"; }
# One measurement of the current round: broker key value round.
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$round" >> "$results"; }
probe() { python3 "$here/probe.py" "$@"; }
load_average() { cut -d' ' -f1-3 /proc/loadavg; }
# The value of a Python expression with DECIMALS (2) decimals: calc "$bytes / 1e6 / $secs" 1.
calc() { # expression [decimals]
  python3 -c "print(f'{($1):.${2:-2}f}')"
}
# CPU seconds per GB: (cpu1 - cpu0) / (bytes / 1e9), two decimals.
per_gb() { # cpu0 cpu1 bytes
  python3 -c "import sys; c0, c1, b = map(float, sys.argv[1:]); print(f'{(c1 - c0) / (b / 1e9):.2f}')" "$@"
}

# The EXIT trap of a run with one broker at a time: the broker still running is killed, the data dirs go
# unless KEEP=1.
cleanup_single() {
  if [ -n "$broker_pid" ] && kill -0 "$broker_pid" 2>/dev/null; then kill "$broker_pid" 2>/dev/null || true; fi
  if [ "${KEEP:-0}" != 1 ]; then rm -rf "$work"/*/data; fi
}

# Fetches Apache Kafka (broker + tools) $1 from Maven Central into $2/lib once; never a dependency of Sluice.
fetch_kafka() { # version cache-dir
  local version=$1 cache=$2
  if [ ! -f "$cache/lib/.complete" ]; then
    log "fetching Apache Kafka $version from Maven Central into $cache"
    mkdir -p "$cache"
    cp "$here/kafka-pom.xml" "$cache/pom.xml"
    rm -rf "$cache/lib"
    (cd "$cache" && mvn -B -q -Dkafka.version="$version" dependency:copy-dependencies \
        -DoutputDirectory=lib -DincludeScope=runtime)
    touch "$cache/lib/.complete"
  fi
}

# Builds Sluice if needed (./sluice builds itself) and copies its module path to $work/sluice-lib, so a
# concurrent rebuild cannot change the jars under a running broker; sets sluice_commit.
snapshot_sluice() {
  log "building Sluice if needed (./sluice)"
  local attempt
  for attempt in 1 2 3; do
    if "$root/sluice" --help > /dev/null 2> "$work/sluice-build.log"; then break; fi
    if [ "$attempt" = 3 ]; then cat "$work/sluice-build.log" >&2; exit 1; fi
    log "  build failed (someone's module mid-change?), retrying in 60 s"; sleep 60
  done
  cp -r "$root/tools/target/lib" "$work/sluice-lib"
  cp -r "$root/tools/target/lib-patch" "$work/sluice-lib-patch"
  [ -d "$root/tools/target/lib-cp" ] && cp -r "$root/tools/target/lib-cp" "$work/sluice-lib-cp"
  sluice_commit="$(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- modules storage-file tools || echo '+dirty')"
}

# Both sides' software: Kafka $KAFKA_VERSION (kcp: its class path) and the Sluice snapshot; then the given
# kafka-clients programs of bench/compare compiled into $work/classes (client_cp: their class path).
prepare_both() { # client-source...
  fetch_kafka "$KAFKA_VERSION" "$cache"
  kcp="$cache/lib/*"
  snapshot_sluice
  local sources=() src
  for src in "$@"; do sources+=("$here/$src"); done
  javac -nowarn -d "$work/classes" -cp "$cache/lib/kafka-clients-$KAFKA_VERSION.jar" "${sources[@]}"
  client_cp="$work/classes:$kcp"
}

# A Sluice command (server, zookeeper, perf-produce, ...) on the snapshot's module path, as the launcher
# runs it. exec: the pid of a backgrounded call is the JVM itself, so kill -9 reaches it.
sluice_java() { # JVM options... -- sluice command and arguments...
  local jvm=()
  while [ "$1" != -- ]; do jvm+=("$1"); shift; done
  shift
  exec java "${jvm[@]}" -p "$work/sluice-lib" -cp "$work/sluice-lib-cp/*" --add-modules ALL-MODULE-PATH \
      --patch-module "zookeeper=$work/sluice-lib-patch/zookeeper-jute.jar" \
      --add-opens java.base/java.nio=lmdbjava --add-exports java.base/sun.nio.ch=lmdbjava \
      -m dev.sluice.tools/dev.sluice.tools.Sluice "$@"
}

# A single broker's listener besides PLAINTEXT (empty: none), e.g. SASL_SSL://localhost:PORT, named after its
# security protocol; start_kafka and start_sluice add it with the same name to both brokers. The PLAINTEXT
# listener stays: the readiness probe and set-up steps (a SCRAM user) use it.
EXTRA_LISTENER=""

# Writes a Kafka node's KRaft properties (broker and controller in one process) to FILE: the listeners
# (EXTRA_LISTENER too) and log dir, then each further key=value argument as a line.
kraft_properties() { # file node-id voters port controller-port log-dir [key=value...]
  local file=$1 id=$2 voters=$3 port=$4 cport=$5 logdir=$6 extra="" extra_map=""
  shift 6
  if [ -n "$EXTRA_LISTENER" ]; then extra=",$EXTRA_LISTENER"; extra_map=",${EXTRA_LISTENER%%:*}:${EXTRA_LISTENER%%:*}"; fi
  {
    cat <<EOF
process.roles=broker,controller
node.id=$id
controller.quorum.voters=$voters
listeners=PLAINTEXT://localhost:$port$extra,CONTROLLER://localhost:$cport
advertised.listeners=PLAINTEXT://localhost:$port$extra
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT$extra_map
log.dirs=$logdir
EOF
    printf '%s\n' "$@"
  } > "$file"
}

# TLS material for a broker on localhost, as the README's TLS section makes it with keytool (EC P-256, valid
# 2 days): DIR/ca.crt, the broker's DIR/broker.p12 (signed by the CA, SAN localhost and 127.0.0.1) and the
# clients' DIR/truststore.p12, all PKCS12 with password PASS.
make_tls_material() { # dir pass
  local dir=$1 pass=$2
  kt() { keytool "$@" -storetype PKCS12 -storepass "$pass" > /dev/null 2>&1; }
  kt -genkeypair -alias ca -keyalg EC -groupname secp256r1 -dname "CN=bench CA" -ext bc:c -validity 2 \
      -keystore "$dir/ca.p12" -keypass "$pass"
  kt -exportcert -rfc -alias ca -keystore "$dir/ca.p12" -file "$dir/ca.crt"
  kt -genkeypair -alias broker -keyalg EC -groupname secp256r1 -dname "CN=localhost" -validity 2 \
      -keystore "$dir/broker.p12" -keypass "$pass"
  kt -certreq -alias broker -keystore "$dir/broker.p12" -file "$dir/broker.csr"
  kt -gencert -rfc -alias ca -keystore "$dir/ca.p12" -infile "$dir/broker.csr" -outfile "$dir/broker.crt" \
      -ext SAN=dns:localhost,ip:127.0.0.1 -validity 2
  kt -importcert -noprompt -alias ca -file "$dir/ca.crt" -keystore "$dir/broker.p12"
  kt -importcert -noprompt -alias broker -file "$dir/broker.crt" -keystore "$dir/broker.p12"
  kt -importcert -noprompt -alias ca -file "$dir/ca.crt" -keystore "$dir/truststore.p12"
  [ -s "$dir/truststore.p12" ] || { echo "keytool failed to make the TLS material in $dir" >&2; exit 1; }
}

# Formats a Kafka node's KRaft log dir (a separate one-off step, not part of any start-up time).
format_kafka() { # properties-file cluster-id log-file
  java "${CLIENT_JVM[@]}" -cp "$kcp" kafka.tools.StorageTool format --cluster-id="$2" -c "$1" > "$3" 2>&1 \
      || { cat "$3" >&2; exit 1; }
}

# The single-node settings Kafka needs to run alone (its internal topics with one replica).
KAFKA_SINGLE_NODE=(offsets.topic.replication.factor=1 transaction.state.log.replication.factor=1
  transaction.state.log.min.isr=1 share.coordinator.state.topic.replication.factor=1
  share.coordinator.state.topic.min.isr=1)

# Waits until the broker $broker_pid answers Metadata on PORT (120 s at most); sets startup, the seconds
# since T0. On failure the broker's log tail and exit.
await_ready() { # dir port t0
  startup=$(probe wait-ready "$2" "$3" 120 "$broker_pid") || { tail -30 "$1/broker.log" >&2; exit 1; }
}

# A single-node Kafka (KRaft, broker and controller) on PORT (and EXTRA_LISTENER) with its data in DIR/data; further key=value
# arguments are added to its settings. Sets broker_pid and startup (launch until Metadata is answered).
start_kafka() { # dir port [key=value...]
  local dir=$1 port=$2 cport t0
  shift 2
  cport=$(probe free-port)
  kraft_properties "$dir/server.properties" 1 "1@localhost:$cport" "$port" "$cport" "$dir/data" \
      "${KAFKA_SINGLE_NODE[@]}" "$@"
  format_kafka "$dir/server.properties" "$(probe cluster-id)" "$dir/format.log"
  t0=$(date +%s.%N)
  # shellcheck disable=SC2086
  java "${BROKER_JVM[@]}" ${EXTRA_BROKER_OPTS:-} "${KAFKA_LOG[@]}" -cp "$kcp" kafka.Kafka "$dir/server.properties" \
      > "$dir/broker.log" 2>&1 &
  broker_pid=$!
  await_ready "$dir" "$port" "$t0"
}

# A single Sluice broker on PORT (and EXTRA_LISTENER) with its data in DIR/data, the same JVM options as Kafka's; further
# key=value arguments are its settings. Sets broker_pid and startup.
start_sluice() { # dir port [key=value...]
  local dir=$1 port=$2 t0
  shift 2
  t0=$(date +%s.%N)
  # shellcheck disable=SC2086
  java "${BROKER_JVM[@]}" ${EXTRA_BROKER_OPTS:-} -p "$work/sluice-lib" --add-modules ALL-MODULE-PATH \
      -m dev.sluice.tools/dev.sluice.tools.Sluice server \
      "listeners=PLAINTEXT://localhost:$port${EXTRA_LISTENER:+,$EXTRA_LISTENER}" "log.dirs=$dir/data" "$@" \
      > "$dir/broker.log" 2>&1 &
  broker_pid=$!
  await_ready "$dir" "$port" "$t0"
}

# Settings of a script's single brokers: SETTINGS for both, KAFKA_SETTINGS for Kafka only (key=value each).
SETTINGS=()
KAFKA_SETTINGS=()

# Starts one side's single broker (start_kafka / start_sluice) with SETTINGS and KAFKA_SETTINGS.
start_broker_of() { # kafka|sluice dir port
  case "$1" in
    kafka) start_kafka "$2" "$3" "${SETTINGS[@]}" "${KAFKA_SETTINGS[@]}" ;;
    sluice) start_sluice "$2" "$3" "${SETTINGS[@]}" ;;
    *) echo "no broker named $1" >&2; exit 2 ;;
  esac
}

# SIGTERM to $broker_pid (a clean shutdown), SIGKILL after 30 s.
stop_broker() {
  kill -TERM "$broker_pid" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$broker_pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$broker_pid" 2>/dev/null && { log "  broker did not stop in 30 s, killing it"; kill -KILL "$broker_pid"; }
  wait "$broker_pid" 2>/dev/null || true
  broker_pid=""
}

# Runs run_suite (the script's: one broker's cases) for both brokers, ROUNDS times in ABBA order (kafka
# sluice, sluice kafka, ...) so a drift in the machine's load hits both alike; ONLY=kafka|sluice runs one.
abba_rounds() { # function [only]
  local fn=$1 only=${2:-}
  for ((round = 1; round <= ROUNDS; round++)); do
    if [ -n "$only" ]; then "$fn" "$only"
    elif ((round % 2 == 1)); then "$fn" kafka; "$fn" sluice
    else "$fn" sluice; "$fn" kafka; fi
  done
}

# The Sluice/Kafka table of results.tsv: each broker's median over the rounds, the ratio of the medians
# and the ratio in each round. Rows "label|key|unit|higher|decimals" (higher or lower is better); without
# rows every key in the order recorded. Header lines first.
ratio_table() { # header... -- [row...]
  python3 "$here/ratios.py" "$results" "$@"
}
