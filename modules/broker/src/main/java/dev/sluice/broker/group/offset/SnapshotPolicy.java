package dev.sluice.broker.group.offset;

import java.util.Map;

/**
 * When {@link LogOffsetStore} rewrites a partition's live state at the log end (a snapshot) so
 * the log before it can be deleted: after {@code triggerBytes} were appended since the last
 * snapshot (at least as much as that snapshot's own size, so a large live state does not make
 * every commit snapshot), or, when anything was appended, once {@code intervalMs} passed since the
 * last one. Snapshots are written in batches of at most {@code batchBytes} so each stays under the
 * broker's {@code message.max.bytes}.
 */
public record SnapshotPolicy(long triggerBytes, long intervalMs, int batchBytes) {
    /** Segment size of {@code __consumer_offsets}: small, so whole segments fall below a snapshot and go. */
    static final int DEFAULT_SEGMENT_BYTES = 16 * 1024 * 1024;
    static final long DEFAULT_INTERVAL_MS = 60 * 60 * 1000L;
    static final int DEFAULT_BATCH_BYTES = 256 * 1024;

    public SnapshotPolicy {
        if (triggerBytes <= 0 || intervalMs <= 0 || batchBytes <= 0) {
            throw new IllegalArgumentException("snapshot settings must be positive: " + triggerBytes + ", "
                    + intervalMs + ", " + batchBytes);
        }
    }

    /** From broker settings: the trigger is the internal topic's segment size ({@code offsets.topic.segment.bytes}). */
    static SnapshotPolicy from(Map<String, String> settings) {
        long trigger = number(settings, "offsets.topic.segment.bytes", DEFAULT_SEGMENT_BYTES);
        long interval = number(settings, "offsets.snapshot.interval.ms", DEFAULT_INTERVAL_MS);
        return new SnapshotPolicy(trigger, interval, DEFAULT_BATCH_BYTES);
    }

    public boolean due(long bytesSinceSnapshot, long lastSnapshotBytes, long msSinceSnapshot) {
        return bytesSinceSnapshot >= Math.max(triggerBytes, lastSnapshotBytes)
                || (bytesSinceSnapshot > 0 && msSinceSnapshot >= intervalMs);
    }

    private static long number(Map<String, String> settings, String key, long fallback) {
        String value = settings.get(key);
        return value == null ? fallback : Long.parseLong(value.trim());
    }
}
