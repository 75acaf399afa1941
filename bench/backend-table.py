#!/usr/bin/env python3
"""Turns JMH's -rf json output of BackendBenchmark into a Markdown table, one row per
operation and record size, storage-file and storage-lmdb side by side:
MB/s (Throughput mode, from the "bytes" aux counter; MB = 10^6 bytes, +- the 99.9% confidence
half-width) and latency per operation in microseconds (SampleTime mode: p50, p99, p99.9).
"""
import json
import math
import sys


def record_label(size):
    size = int(size)
    return f"{size // 1024} KiB records" if size % 1024 == 0 else f"{size} B records"


def mb_per_s(result):
    metric = result["secondaryMetrics"]["bytes"]
    error = metric.get("scoreError")
    error = error if isinstance(error, (int, float)) and not math.isnan(error) else None
    # Throughput is reported per microsecond here (OutputTimeUnit): bytes/us = MB/s
    return metric["score"], error


def fmt(value, error=None, digits=0):
    text = f"{value:,.{digits}f}"
    return text if error is None else f"{text} ± {error:,.{digits}f}"


def main(path):
    with open(path) as f:
        results = json.load(f)
    cases = {}  # (operation, recordSize) -> backend -> {"mbs": ..., "lat": ...}
    for result in results:
        operation = result["benchmark"].split(".")[-1]
        params = result["params"]
        cell = cases.setdefault((operation, int(params["recordSize"])), {}).setdefault(params["storage"], {})
        if result["mode"] == "thrpt":
            cell["mbs"] = mb_per_s(result)
        elif result["mode"] == "sample":
            p = result["primaryMetric"]["scorePercentiles"]
            cell["lat"] = (p["50.0"], p["99.0"], p["99.9"])

    backends = ["file", "lmdb"]
    print("| case | " + " | ".join(f"{b} MB/s | {b} p50 / p99 / p99.9 µs" for b in backends) + " | lmdb ÷ file |")
    print("|---|" + "---:|---:|" * len(backends) + "---:|")
    for (operation, size), by_backend in sorted(cases.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        cells = []
        for backend in backends:
            cell = by_backend.get(backend, {})
            mbs = cell.get("mbs")
            lat = cell.get("lat")
            cells.append(fmt(mbs[0], mbs[1]) if mbs else "n/a")
            cells.append(" / ".join(fmt(v, digits=1) for v in lat) if lat else "n/a")
        file_mbs = by_backend.get("file", {}).get("mbs")
        lmdb_mbs = by_backend.get("lmdb", {}).get("mbs")
        ratio = f"{lmdb_mbs[0] / file_mbs[0]:.2f}" if file_mbs and lmdb_mbs else "n/a"
        print(f"| {operation}, {record_label(size)} | " + " | ".join(cells) + f" | {ratio} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "bench/target/storage-backends.json")
