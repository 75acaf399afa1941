package dev.sluice.broker.partition;

import java.util.ArrayDeque;

/**
 * Byte counters for delayed fetches (the role of Kafka's LogOffsetMetadata positions): how many
 * bytes this partition has appended since it was opened, up to its log end and up to its high
 * watermark. A waiting fetch compares them with the values it saw at its first read to tell
 * whether enough new bytes are there, without reading the log. While the high watermark lags the
 * log end (followers behind), the byte count at the end of each uncommitted append is kept until
 * the high watermark passes it; with one replica nothing is kept.
 *
 * <p>Threads: written under the partition's append lock; the counters are read from any thread.
 */
final class AppendedBytes {
    private volatile long toLogEnd;
    private volatile long toHighWatermark;
    private final ArrayDeque<long[]> uncommitted = new ArrayDeque<>(); // {end offset, bytes to there}

    long toLogEnd() {
        return toLogEnd;
    }

    long toHighWatermark() {
        return toHighWatermark;
    }

    /** An append of {@code bytes} ending before {@code endOffset}; {@code highWatermark} after it. */
    void appended(long endOffset, int bytes, long highWatermark) {
        toLogEnd += bytes;
        if (highWatermark >= endOffset) {
            uncommitted.clear();
            toHighWatermark = toLogEnd;
        } else {
            uncommitted.addLast(new long[]{endOffset, toLogEnd});
        }
    }

    /** The high watermark moved to {@code highWatermark}: counts the appends it now covers. */
    void highWatermarkMoved(long highWatermark) {
        long[] first;
        while ((first = uncommitted.peekFirst()) != null && first[0] <= highWatermark) {
            toHighWatermark = first[1];
            uncommitted.removeFirst();
        }
    }
}
