package dev.sluice.broker.partition;

import dev.sluice.api.storage.LogConfig;

/**
 * When a log without segments (LMDB) snapshots its producer state: as if it rolled a segment, once
 * {@code segment.bytes} were appended or {@code segment.ms} passed with appends since the last
 * snapshot, so a restart after a crash replays at most about a segment's worth rather than the
 * whole log. A log with segments snapshots at its real rolls and does not use this. Touched only
 * under its partition's append lock.
 */
final class SnapshotCadence {
    private long bytesSinceSnapshot;
    private long lastSnapshotMs;

    SnapshotCadence(long nowMs) {
        this.lastSnapshotMs = nowMs;
    }

    /** Counts an append; true if a snapshot is due now. */
    boolean appended(int bytes, long nowMs, LogConfig config) {
        bytesSinceSnapshot += bytes;
        return bytesSinceSnapshot >= config.segmentBytes() || dueByTime(nowMs, config);
    }

    /** True if something was appended since the last snapshot and {@code segment.ms} has passed. */
    boolean dueByTime(long nowMs, LogConfig config) {
        return bytesSinceSnapshot > 0 && nowMs - lastSnapshotMs >= config.segmentMs();
    }

    void snapshotted(long nowMs) {
        bytesSinceSnapshot = 0;
        lastSnapshotMs = nowMs;
    }
}
