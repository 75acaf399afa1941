package dev.sluice.storage.file.log;

import dev.sluice.storage.file.segment.LogSegment;

/**
 * Which old segments may go. Each rule is asked about segments oldest first and the log stops
 * deleting at the first segment a rule keeps, so retention only ever removes a prefix of the log.
 */
final class RetentionRules {
    private RetentionRules() {
    }

    /** Decides about one segment; {@code next} is the following segment or null for the active one. */
    interface Rule {
        boolean deletable(LogSegment segment, LogSegment next);
    }

    /** Segments wholly below the log start offset (after DeleteRecords). */
    static Rule belowLogStart(long logStartOffset) {
        return (segment, next) -> next != null && next.baseOffset() <= logStartOffset;
    }

    /** retention.ms: segments whose newest record is older than {@code retentionMs}. */
    static Rule olderThan(long nowMs, long retentionMs) {
        return (segment, next) -> nowMs - segment.largestTimestampForRetention() > retentionMs;
    }

    /** retention.bytes: oldest segments while the log stays at least {@code retentionBytes} without them. */
    static Rule largerThan(long logSize, long retentionBytes) {
        return new Rule() {
            private long excess = logSize - retentionBytes;

            @Override
            public boolean deletable(LogSegment segment, LogSegment next) {
                if (excess - segment.size() < 0) {
                    return false;
                }
                excess -= segment.size();
                return true;
            }
        };
    }
}
