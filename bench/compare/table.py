#!/usr/bin/env python3
"""Prints the Sluice/Kafka table of bench/compare-kafka.sh from its results.tsv (broker, key, value, round).

Each broker's value is the median over the rounds; "Sluice/Kafka" is the ratio of the medians and
"per round" the ratio within each round (both brokers ran back to back in a round), to show the noise.

usage: table.py results.tsv "machine line" "versions line" N100 N1K LAT_SIZE LAT_RATE LAT_SECONDS
"""
import os
import statistics
import sys

import ratios


def main(path, machine, versions, n100, n1k, lat_size, lat_rate, lat_seconds):
    rounds, _ = ratios.load(path)  # (broker, key) -> {round: value}
    values = {k: statistics.median(v.values()) for k, v in rounds.items()}

    lat = f"{size_label(int(lat_size))} @ {int(lat_rate):,} rec/s"
    rows = [  # (label, key, unit, higher_is_better, decimals)
        ("produce 100 B, acks=1", "p100-acks1.recs", "records/s", True, 0),
        ("produce 100 B, acks=1", "p100-acks1.mbs", "MB/s", True, 1),
        ("produce 100 B, acks=all", "p100-acksall.recs", "records/s", True, 0),
        ("produce 100 B, acks=all", "p100-acksall.mbs", "MB/s", True, 1),
        ("produce 1 KiB, acks=1", "p1k-acks1.recs", "records/s", True, 0),
        ("produce 1 KiB, acks=1", "p1k-acks1.mbs", "MB/s", True, 1),
        ("produce 1 KiB, acks=all", "p1k-acksall.recs", "records/s", True, 0),
        ("produce 1 KiB, acks=all", "p1k-acksall.mbs", "MB/s", True, 1),
        (f"latency {lat}, acks=1", "lat-acks1.recs", "achieved rec/s", True, 0),
        (f"latency {lat}, acks=1", "lat-acks1.p50", "p50 ms", False, 1),
        (f"latency {lat}, acks=1", "lat-acks1.p99", "p99 ms", False, 1),
        (f"latency {lat}, acks=all", "lat-acksall.recs", "achieved rec/s", True, 0),
        (f"latency {lat}, acks=all", "lat-acksall.p50", "p50 ms", False, 1),
        (f"latency {lat}, acks=all", "lat-acksall.p99", "p99 ms", False, 1),
        ("consume 100 B records", "c100.mbs", "MB/s", True, 1),
        ("consume 1 KiB records", "c1k.mbs", "MB/s", True, 1),
        ("broker CPU, produce 100 B acks=1", "p100-acks1.cpu_per_gb", "CPU s/GB", False, 1),
        ("broker CPU, produce 100 B acks=all", "p100-acksall.cpu_per_gb", "CPU s/GB", False, 1),
        ("broker CPU, produce 1 KiB acks=1", "p1k-acks1.cpu_per_gb", "CPU s/GB", False, 1),
        ("broker CPU, produce 1 KiB acks=all", "p1k-acksall.cpu_per_gb", "CPU s/GB", False, 1),
        ("broker CPU, consume 100 B", "c100.cpu_per_gb", "CPU s/GB", False, 1),
        ("broker CPU, consume 1 KiB", "c1k.cpu_per_gb", "CPU s/GB", False, 1),
        ("broker peak RSS (VmHWM)", "rss_mib", "MiB", False, 0),
        ("broker start-up (launch to Metadata answered)", "startup_s", "s", False, 2),
    ]
    print(f"Sluice vs Apache Kafka: {machine}")
    print(f"{versions}")
    if os.environ.get("LOADGEN", "kafka") == "sluice":
        tools = ("sluice perf-produce", "sluice perf-produce, warm-up included", "sluice perf-consume")
    else:
        tools = ("ProducerPerformance", "BenchClient, after a warm-up", "BenchClient, assign mode")
    print(f"produce: {int(n100):,} x 100 B and {int(n1k):,} x 1 KiB records per case ({tools[0]}, "
          f"--throughput -1); latency: {lat_seconds} s at a fixed rate ({tools[1]}); "
          f"consume: the acks=1 topics from the start ({tools[2]})")
    print()
    n_rounds = max((r for v in rounds.values() for r in v), default=1)
    print(f"Kafka and Sluice columns: median of {n_rounds} round(s); Sluice/Kafka: ratio of the medians; "
          f"per round: the ratio in each round")
    print()
    ratios.print_table(rounds, rows)
    for broker in ("kafka", "sluice"):
        for acks in ("1", "all"):
            achieved = values.get((broker, f"lat-acks{acks}.recs"))
            if achieved is not None and achieved < 0.95 * float(lat_rate):
                print(f"note: {broker} did not sustain {int(lat_rate):,} rec/s at acks={acks} "
                      f"({achieved:,.0f}): its latency there is queueing in a saturated system")


def size_label(n):
    return f"{n // 1024} KiB" if n % 1024 == 0 else f"{n} B"


if __name__ == "__main__":
    main(*sys.argv[1:])
