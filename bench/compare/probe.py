#!/usr/bin/env python3
"""Small helpers for bench/compare-kafka.sh (no dependencies beyond Python 3).

  probe.py free-port                      print a free TCP port on localhost
  probe.py cluster-id                     print a random Kafka cluster id (base64url UUID, 22 chars)
  probe.py wait-ready PORT T0 TIMEOUT PID print seconds from T0 (epoch seconds, float) until the broker on
                                          localhost:PORT answers a Metadata v4 request listing >= 1 broker;
                                          exits 1 on timeout or if process PID dies first
  probe.py cpu PID                        print utime+stime of PID in seconds (/proc/PID/stat)
  probe.py hwm PID                        print peak RSS (VmHWM) of PID in MiB (/proc/PID/status)
  probe.py threads PID FILE               save CPU ticks per thread of PID (/proc/PID/task) with the thread
                                          names from `jcmd PID Thread.print` (incl. GC and JIT threads)
  probe.py threads-diff PID FILE          print CPU seconds (user/system) per thread group since `threads`
  probe.py produced SUMMARY NAME KEY N SIZE CPU0 CPU1 ROUND FIELDS
                                          print results.tsv lines of a produce case from ProducerPerformance's
                                          summary line (N records of SIZE B; broker CPU seconds before and
                                          after): the FIELDS (comma-separated) of recs, mbs, p50, p99,
                                          cpu_per_gb, cpu_s; exits 1 if the summary is not N records
"""
import base64
import collections
import json
import os
import socket
import re
import struct
import subprocess
import sys
import time
import uuid


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def metadata_v4_brokers(port):
    """Send Metadata v4 (all topics, no auto-create); return the number of brokers in the answer."""
    client_id = b"sluice-bench-probe"
    body = struct.pack(">hhih", 3, 4, 42, len(client_id)) + client_id + struct.pack(">ib", -1, 0)
    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
        s.sendall(struct.pack(">i", len(body)) + body)
        head = recv_exact(s, 4)
        (size,) = struct.unpack(">i", head)
        resp = recv_exact(s, size)
    correlation, _throttle, brokers = struct.unpack(">iii", resp[:12])
    if correlation != 42:
        raise IOError("bad correlation id")
    return brokers


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise IOError("connection closed")
        buf += chunk
    return buf


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_ready(port, t0, timeout, pid):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if metadata_v4_brokers(port) >= 1:
                print(f"{time.time() - t0:.3f}")
                return 0
        except (OSError, struct.error):
            pass
        if not alive(pid):
            print(f"process {pid} exited before the broker was ready", file=sys.stderr)
            return 1
        time.sleep(0.01)
    print(f"broker on port {port} not ready after {timeout} s", file=sys.stderr)
    return 1


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(") ", 1)[1].split()
    # fields[0] is field 3 (state); utime and stime are fields 14 and 15
    ticks = int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def hwm_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise IOError("no VmHWM")


def thread_ticks(pid):
    """{tid: [name, utime ticks, stime ticks]} for every thread of pid."""
    names = {}
    try:
        dump = subprocess.run(["jcmd", str(pid), "Thread.print"], capture_output=True, text=True, timeout=30).stdout
        for m in re.finditer(r'^"(.*?)".*?nid=(0x[0-9a-f]+)', dump, re.M):
            names[int(m.group(2), 16)] = m.group(1)
    except (OSError, subprocess.SubprocessError):
        pass
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                raw = f.read()
        except FileNotFoundError:
            continue
        comm = raw[raw.index("(") + 1:raw.rindex(")")]
        fields = raw.rsplit(") ", 1)[1].split()
        out[tid] = [names.get(int(tid), comm), int(fields[11]), int(fields[12])]
    return out


def group_name(name):
    """Thread name without its numbers, so pools add up: 'sluice-request-handler-3' -> 'sluice-request-handler-#'."""
    return re.sub(r"\d+", "#", name)


def threads_diff(pid, path):
    with open(path) as f:
        before = json.load(f)
    after = thread_ticks(pid)
    hz = os.sysconf("SC_CLK_TCK")
    groups = collections.defaultdict(lambda: [0, 0])
    for tid, (name, ut, st) in after.items():
        _, ut0, st0 = before.get(tid, [name, 0, 0])
        g = groups[group_name(name)]
        g[0] += ut - ut0
        g[1] += st - st0
    total = sum(u + s for u, s in groups.values()) or 1
    print(f"broker CPU by thread group (from /proc/{pid}/task): {total / hz:.1f} s in total")
    print(f"    {'share':>6} {'user s':>7} {'sys s':>7}  thread group")
    for name, (u, s) in sorted(groups.items(), key=lambda kv: -(kv[1][0] + kv[1][1])):
        if u + s == 0:
            continue
        print(f"    {100.0 * (u + s) / total:5.1f}% {u / hz:7.2f} {s / hz:7.2f}  {name}")


def produced(summary, name, key, n, size, c0, c1, rnd, fields):
    # N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, P50 ms 50th, P95 ms 95th, P99 ms 99th, ...
    m = re.search(r"(\d+) records sent, ([\d.]+) records/sec \(([\d.]+) MB/sec\), ([\d.]+) ms avg latency, "
                  r"([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th", summary)
    if not m or int(m.group(1)) != int(n):
        print(f"cannot parse ProducerPerformance summary: {summary!r}", file=sys.stderr)
        return 1
    cpu = float(c1) - float(c0)
    values = {"recs": m.group(2), "mbs": m.group(3), "p50": m.group(6), "p99": m.group(8),
              "cpu_per_gb": f"{cpu / (int(n) * int(size) / 1e9):.2f}", "cpu_s": f"{cpu:.2f}"}
    for k in fields.split(","):
        print(f"{name}\t{key}.{k}\t{values[k]}\t{rnd}")
    return 0


def main(argv):
    cmd = argv[1]
    if cmd == "free-port":
        print(free_port())
    elif cmd == "cluster-id":
        cid = "-"
        while cid.startswith("-"):  # as Kafka's Uuid.randomUuid: a leading '-' reads as an option
            cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        print(cid)
    elif cmd == "wait-ready":
        return wait_ready(int(argv[2]), float(argv[3]), float(argv[4]), int(argv[5]))
    elif cmd == "cpu":
        print(f"{cpu_seconds(int(argv[2])):.2f}")
    elif cmd == "threads":
        with open(argv[3], "w") as f:
            json.dump(thread_ticks(int(argv[2])), f)
    elif cmd == "threads-diff":
        threads_diff(int(argv[2]), argv[3])
    elif cmd == "produced":
        return produced(*argv[2:11])
    elif cmd == "hwm":
        print(f"{hwm_mib(int(argv[2])):.0f}")
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
