#!/usr/bin/env python3
"""The Sluice/Kafka table of a side-by-side benchmark's results.tsv (broker, key, value, round per line).

Each broker's value is the median over the rounds; "Sluice/Kafka" is the ratio of the medians and
"per round" the ratio within each round (both brokers ran back to back in a round), to show the noise.

usage: ratios.py results.tsv header-line... -- [row...]
  row: "label|key|unit|higher|decimals" (higher: "higher" or "lower" is better); without rows, every
  key in the order first recorded, labelled by its key.
"""
import collections
import statistics
import sys


def load(path):
    """{(broker, key): {round: value}} and the keys in the order first recorded."""
    rounds = collections.defaultdict(dict)
    keys = []
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            broker, key, value, rnd = line.rstrip("\n").split("\t")
            try:
                rounds[(broker, key)][int(rnd)] = float(value)
            except ValueError:
                pass  # not measured (e.g. "-"): shown as n/a
            if key not in keys:
                keys.append(key)
    return rounds, keys


def fmt(v, decimals):
    return "n/a" if v is None else f"{v:,.{decimals}f}"


def print_table(rounds, rows):
    """rows: (label, key, unit, higher_is_better, decimals)."""
    values = {k: statistics.median(v.values()) for k, v in rounds.items()}
    print("| metric | unit | Kafka | Sluice | Sluice/Kafka | per round | better |")
    print("|---|---|---:|---:|---:|---:|---|")
    for label, key, unit, higher, decimals in rows:
        k = values.get(("kafka", key))
        s = values.get(("sluice", key))
        ratio = f"{s / k:.2f}" if k and s is not None else "n/a"
        kr, sr = rounds.get(("kafka", key), {}), rounds.get(("sluice", key), {})
        per_round = " / ".join(f"{sr[r] / kr[r]:.2f}" for r in sorted(kr) if r in sr and kr[r])
        print(f"| {label} | {unit} | {fmt(k, decimals)} | {fmt(s, decimals)} | {ratio} | {per_round} | "
              f"{'higher' if higher else 'lower'} |")


def parse_row(spec):
    label, key, unit, better, decimals = spec.split("|")
    if better not in ("higher", "lower"):
        sys.exit(f"row {spec!r}: 'higher' or 'lower' is better, not {better!r}")
    return label, key, unit, better == "higher", int(decimals)


def main(argv):
    if "--" not in argv:
        sys.exit(__doc__)
    split = argv.index("--")
    path, headers, specs = argv[0], argv[1:split], argv[split + 1:]
    rounds, keys = load(path)
    rows = [parse_row(s) for s in specs] or [(k, k, "", True, 2) for k in keys]
    for h in headers:
        print(h)
    n_rounds = max((r for v in rounds.values() for r in v), default=1)
    print(f"Kafka and Sluice columns: median of {n_rounds} round(s); Sluice/Kafka: ratio of the medians; "
          f"per round: the ratio in each round")
    print()
    print_table(rounds, rows)


if __name__ == "__main__":
    main(sys.argv[1:])
