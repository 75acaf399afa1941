#!/usr/bin/env python3
"""Turns JMH's -rf json output of the storage benchmarks into a Markdown table:
case | storage MB/s | raw MB/s | ratio (storage / raw).

MB/s come from the "bytes" aux counter (bytes moved per second, i.e. ops/s x bytes per op);
MB = 10^6 bytes. The +- is JMH's 99.9% confidence half-width (blank with a single iteration).
"""
import json
import math
import sys

OPERATIONS = {"AppendBenchmark": "append", "ReadBenchmark": "sequential read"}


def record_label(size):
    size = int(size)
    return f"{size // 1024} KiB records" if size % 1024 == 0 else f"{size} B records"


def mb_per_s(result):
    metric = result["secondaryMetrics"]["bytes"]
    error = metric.get("scoreError")
    error = error if isinstance(error, (int, float)) and not math.isnan(error) else None
    return metric["score"] / 1e6, None if error is None else error / 1e6


def fmt(value, error):
    return f"{value:,.0f}" if error is None else f"{value:,.0f} ± {error:,.0f}"


def main(path):
    with open(path) as f:
        results = json.load(f)
    cases = {}  # (operation, recordSize) -> {"storage": (mb, err), "raw": (mb, err)}
    for result in results:
        benchmark_class = result["benchmark"].split(".")[-2]
        if benchmark_class not in OPERATIONS:
            continue  # e.g. BackendBenchmark: storage-backends.sh reports it
        params = result["params"]
        key = (OPERATIONS[benchmark_class], int(params["recordSize"]))
        cases.setdefault(key, {})[params["via"]] = mb_per_s(result)

    print("| case | storage MB/s | raw MB/s | ratio |")
    print("|---|---:|---:|---:|")
    for (operation, size), pair in sorted(cases.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        storage, raw = pair.get("storage"), pair.get("raw")
        ratio = f"{storage[0] / raw[0]:.2f}" if storage and raw else "n/a"
        print(f"| {operation}, {record_label(size)} | {fmt(*storage) if storage else 'n/a'} "
              f"| {fmt(*raw) if raw else 'n/a'} | {ratio} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "bench/target/storage-bench.json")
