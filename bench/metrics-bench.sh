#!/usr/bin/env bash
# Metrics benchmark (issue #16): what the broker's metrics cost on the produce path.
# ProduceMetricsBenchmark: a broker in the benchmark's JVM with metrics.enable=true / false and 4
# threads producing one record per request (acks=1), so each operation is one Produce request;
# MetricsHotPathBenchmark: a meter's mark and a latency histogram's record from 4 threads (ns/call).
# Prints both and the on/off ratio of the produce throughput.
#
# usage: bench/metrics-bench.sh [--help] [JMH options...]     (~2 minutes on 2 cores)
set -euo pipefail
case "${1:-}" in
  -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
esac
cd "$(dirname "$0")/.."

mvn -q -DskipTests -pl bench -am package

results=bench/target/metrics-bench.json
java -Djava.util.logging.config.file=bench/logging.properties -jar bench/target/benchmarks.jar \
  'dev.sluice.bench.metrics.*' -rf json -rff "$results" "$@"
python3 - "$results" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))
produce = {}
for r in runs:
    name = r["benchmark"].rsplit(".", 1)[1]
    m = r["primaryMetric"]
    if name == "produceOneRecord":
        produce[r["params"]["metrics"]] = (m["score"], m["scoreError"])
    else:
        print(f"{name}: {m['score']:.1f} ± {m['scoreError']:.1f} {m['scoreUnit']}")
if len(produce) == 2:
    (on, on_err), (off, off_err) = produce["true"], produce["false"]
    print(f"produce, metrics on : {on:10.0f} ± {on_err:.0f} requests/s")
    print(f"produce, metrics off: {off:10.0f} ± {off_err:.0f} requests/s")
    print(f"on / off = {on / off:.3f} (error bars: ±{on_err / on * 100:.1f}% / ±{off_err / off * 100:.1f}%)")
PY
