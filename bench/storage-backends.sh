#!/usr/bin/env bash
# Storage backends side by side: storage-file vs storage-lmdb, append (one ~32 KiB batch per op) and
# read (one 1 MiB fetch per op), throughput in MB/s and per-operation latency percentiles, one run.
#
# usage: bench/storage-backends.sh [--help] [JMH options...]
#
#   bench/storage-backends.sh                        # ~8 minutes on 2 cores
#   bench/storage-backends.sh -p recordSize=1024     # extra arguments go to JMH
#
# Scratch logs go to java.io.tmpdir (/tmp) and are deleted as the run goes (a few GB at most).
set -euo pipefail
case "${1:-}" in
  -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
esac
cd "$(dirname "$0")/.."

mvn -q -DskipTests -pl bench -am package

results=bench/target/storage-backends.json
# lmdbjava needs java.nio opened (-jvmArgsAppend replaces the @Fork one, so the flags are repeated here).
# 1 fork per case, 2 warm-up + 4 measured iterations of 2 s; each case in Throughput and SampleTime mode
java -jar bench/target/benchmarks.jar 'dev\.sluice\.bench\.storage\.BackendBenchmark' \
    -wi 2 -w 2s -i 4 -r 2s -rf json -rff "$results" \
    -jvmArgsAppend "-Djava.util.logging.config.file=bench/logging.properties --add-opens=java.base/java.nio=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED" "$@"

echo
python3 bench/backend-table.py "$results"
