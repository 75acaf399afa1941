#!/usr/bin/env python3
"""Aggregates a JFR recording into the hot spots bench/compare-kafka.sh prints (uses the JDK's `jfr`).

usage: jfr-top.py recording.jfr [top-n]

Sections (shares are of all samples of that event type):
  - CPU samples (jdk.ExecutionSample: threads running Java code) by thread (numbers stripped)
  - self: the top frame of each sample (where the CPU actually was)
  - attributed to Sluice code: the first dev.sluice frame from the top (which Sluice method is
    responsible, including the JDK code it calls)
  - inclusive: samples with the method anywhere on the stack (dev.sluice and kafka only)
  - native samples (jdk.NativeMethodSample: threads in native code, e.g. blocked in epoll or a syscall)
  - allocation (jdk.ObjectAllocationSample weight) by the first application frame
"""
import collections
import re
import subprocess
import sys

FRAME = re.compile(r"^\s+(.+?)\s+line: (-?\d+)")
APP = ("dev.sluice.", "kafka.", "org.apache.kafka.")


def events(path, event_type, depth=64):
    text = subprocess.run(["jfr", "print", "--events", event_type, "--stack-depth", str(depth), path],
                          check=True, capture_output=True, text=True).stdout
    ev = None
    in_stack = False
    for line in text.splitlines():
        if line.startswith(event_type + " {") or line.startswith("jdk."):
            ev = {"frames": [], "thread": "?", "weight": 1.0, "class": "?"}
            in_stack = False
        elif ev is None:
            continue
        elif line.startswith("}"):
            yield ev
            ev = None
        elif in_stack:
            if line.strip() == "]":
                in_stack = False
            else:
                m = FRAME.match(line)
                if m:
                    ev["frames"].append((short(m.group(1)), int(m.group(2))))
        else:
            s = line.strip()
            if s.startswith("stackTrace = ["):
                in_stack = True
            elif s.startswith("sampledThread = ") or s.startswith("eventThread = "):
                ev["thread"] = re.sub(r"\d+", "N", s.split('"')[1])
            elif s.startswith("weight = "):
                ev["weight"] = size_bytes(s.split("= ", 1)[1])
            elif s.startswith("objectClass = "):
                ev["class"] = s.split("= ", 1)[1].split(" (")[0]


def short(method):
    """'dev.sluice.broker.Foo.bar(int, ByteBuffer)' -> 'dev.sluice.broker.Foo.bar'"""
    return method.split("(")[0]


def size_bytes(s):
    num, _, unit = s.partition(" ")
    mult = {"bytes": 1, "byte": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}.get(unit.strip(), 1)
    return float(num.replace(",", "")) * mult


PROFILER = ("jdk.jfr.", "jdk.internal.platform.", "sun.tools.attach.", "jdk.internal.vm.VMSupport")


def profiler_own(e):
    """True for samples of the profiler's own work (JFR periodic events reading cgroups, jcmd attach)."""
    return any(f.startswith(PROFILER) for f, _ in e["frames"])


def top(counter, total, n, title):
    print(f"  {title}")
    for key, count in counter.most_common(n):
        print(f"    {100.0 * count / total:5.1f}%  {key}")


def main(path, n=15):
    n = int(n)
    samples = list(events(path, "jdk.ExecutionSample"))
    own = sum(1 for e in samples if profiler_own(e))
    samples = [e for e in samples if not profiler_own(e)]
    total = len(samples)
    print(f"CPU samples (jdk.ExecutionSample): {total} (without {own} of JFR/jcmd's own work)")
    if total:
        threads = collections.Counter(e["thread"] for e in samples)
        top(threads, total, 8, "by thread:")
        self_ = collections.Counter(f"{e['frames'][0][0]}:{e['frames'][0][1]}" for e in samples if e["frames"])
        top(self_, total, n, "self (top frame, with line):")
        self_m = collections.Counter(e["frames"][0][0] for e in samples if e["frames"])
        top(self_m, total, n, "self (top frame, by method):")
        attributed = collections.Counter()
        inclusive = collections.Counter()
        for e in samples:
            first = next((f for f, _ in e["frames"] if f.startswith("dev.sluice.")), None)
            attributed[first or "(no dev.sluice frame)"] += 1
            for m in {f for f, _ in e["frames"] if f.startswith(APP)}:
                inclusive[m] += 1
        top(attributed, total, n, "attributed to the first dev.sluice frame from the top:")
        top(inclusive, total, n, "inclusive (method anywhere on the stack):")
    native = list(events(path, "jdk.NativeMethodSample"))
    if native:
        print(f"native samples (jdk.NativeMethodSample, threads in native code): {len(native)}")
        nat = collections.Counter(
            f"{e['thread']}: {e['frames'][0][0] if e['frames'] else '?'}" for e in native)
        top(nat, len(native), 8, "by thread and native method:")
    allocs = list(events(path, "jdk.ObjectAllocationSample"))
    own = [e for e in allocs if profiler_own(e)]
    allocs = [e for e in allocs if not profiler_own(e)]
    if allocs:
        weight = sum(e["weight"] for e in allocs)
        print(f"allocation samples (jdk.ObjectAllocationSample): {len(allocs)}, weight {weight / 1e9:.2f} GB "
              f"(without {len(own)} samples, {sum(e['weight'] for e in own) / 1e9:.2f} GB, of JFR/jcmd's own work)")
        by_site = collections.Counter()
        for e in allocs:
            site = next((f for f, _ in e["frames"] if f.startswith(APP)), e["frames"][0][0] if e["frames"] else "?")
            by_site[f"{e['class']} in {site}"] += e["weight"]
        top(by_site, weight, n, "by class and first application frame (share of allocated bytes):")


if __name__ == "__main__":
    main(*sys.argv[1:])
