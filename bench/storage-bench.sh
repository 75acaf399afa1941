#!/usr/bin/env bash
# Storage benchmark: storage-file's append and sequential read against raw FileChannel
# write / transferTo of the same bytes, side by side in one run; prints MB/s and the ratio.
#
# usage: bench/storage-bench.sh [--help] [JMH options...]
#
#   bench/storage-bench.sh                      # full run: ~3.5 minutes on 2 cores
#   bench/storage-bench.sh -p recordSize=100    # extra arguments go to JMH
#
# Scratch logs go to java.io.tmpdir (/tmp) and are deleted as the run goes; at most a few GB at a time
# (what one 2 s append iteration writes).
set -euo pipefail
case "${1:-}" in
  -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
esac
cd "$(dirname "$0")/.."

mvn -q -DskipTests -pl bench -am package

results=bench/target/storage-bench.json
# 1 fork, 3 warm-up + 5 measured iterations of 2 s, per case (8 cases: via=raw|storage x 2 record sizes x append|read)
java -jar bench/target/benchmarks.jar 'dev\.sluice\.bench\.storage\.(Append|Read)Benchmark' \
    -f 1 -wi 3 -w 2s -i 5 -r 2s -rf json -rff "$results" \
    -jvmArgsAppend "-Djava.util.logging.config.file=bench/logging.properties" "$@"

echo
python3 bench/storage-table.py "$results"
