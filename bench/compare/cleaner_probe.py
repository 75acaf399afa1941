"""Disk-side probes of bench/compare-cleaner.sh, the same for Apache Kafka and Sluice (both keep Kafka's
segment naming and cleaner-offset-checkpoint format; Kafka keeps the checkpoint per log dir, Sluice per
partition directory).

  segments <partition-dir>                          "active-base dirty-bytes": the active segment's base offset
                                                    and the bytes of the segments before it (what a cleaning may clean)
  wait-clean <log-dir> <topic> <offset> <timeout>   waits until a cleaner checkpoint of <topic>-0 reaches <offset>;
                                                    prints the seconds waited
"""
import os
import sys
import time


def segments(pdir):
    logs = sorted(f for f in os.listdir(pdir) if f.endswith(".log"))
    active = logs[-1]
    dirty = sum(os.path.getsize(os.path.join(pdir, f)) for f in logs[:-1])
    return int(active[:-4]), dirty


def checkpoint(path, topic):
    try:
        with open(path) as f:
            lines = f.read().split("\n")
    except OSError:
        return -1
    for line in lines[2:]:
        parts = line.split()
        if len(parts) == 3 and parts[0] == topic and parts[1] == "0":
            return int(parts[2])
    return -1


def main(argv):
    if argv[0] == "segments":
        base, dirty = segments(argv[1])
        print(base, dirty)
    elif argv[0] == "wait-clean":
        logdir, topic, offset, timeout = argv[1], argv[2], int(argv[3]), float(argv[4])
        paths = [os.path.join(logdir, "cleaner-offset-checkpoint"),
                 os.path.join(logdir, topic + "-0", "cleaner-offset-checkpoint")]
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if any(checkpoint(p, topic) >= offset for p in paths):
                print(f"{time.monotonic() - t0:.3f}")
                return
            time.sleep(0.02)
        sys.exit(f"no cleaner checkpoint of {topic}-0 at {offset} within {timeout} s")
    else:
        sys.exit(f"unknown command {argv[0]}")


if __name__ == "__main__":
    main(sys.argv[1:])
