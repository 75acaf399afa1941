package dev.sluice.storage.file.log;

import dev.sluice.api.storage.AbortedTxn;
import dev.sluice.storage.file.segment.LogSegment;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The segments of one log ordered by base offset. A concurrent skip list, so readers find the
 * segment for an offset without locking while the writer rolls, truncates or deletes segments.
 * The last segment is the active one, the only one appended to.
 */
final class LogSegments {
    private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();

    void add(LogSegment segment) {
        segments.put(segment.baseOffset(), segment);
    }

    void remove(LogSegment segment) {
        segments.remove(segment.baseOffset(), segment);
    }

    boolean isEmpty() {
        return segments.isEmpty();
    }

    int count() {
        return segments.size();
    }

    /** The segment appends go to; null only while a log is being loaded. */
    LogSegment active() {
        Map.Entry<Long, LogSegment> last = segments.lastEntry();
        return last == null ? null : last.getValue();
    }

    LogSegment first() {
        Map.Entry<Long, LogSegment> first = segments.firstEntry();
        return first == null ? null : first.getValue();
    }

    /** The segment whose base offset is the largest at or below {@code offset}, or null. */
    LogSegment floor(long offset) {
        Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
        return entry == null ? null : entry.getValue();
    }

    /** The segment after {@code segment}, or null if it is the last. */
    LogSegment next(LogSegment segment) {
        Map.Entry<Long, LogSegment> entry = segments.higherEntry(segment.baseOffset());
        return entry == null ? null : entry.getValue();
    }

    /** Every segment, oldest first (a weakly consistent view). */
    Collection<LogSegment> all() {
        return segments.values();
    }

    /** The segments that may hold offsets {@code >= offset}: the one containing it and all later ones. */
    Collection<LogSegment> from(long offset) {
        Long floor = segments.floorKey(offset);
        return floor == null ? segments.values() : segments.tailMap(floor, true).values();
    }

    /** The segments starting above {@code offset}. */
    Collection<LogSegment> above(long offset) {
        return segments.tailMap(offset, false).values();
    }

    long sizeInBytes() {
        long size = 0;
        for (LogSegment segment : segments.values()) {
            size += segment.size();
        }
        return size;
    }

    /** The newest aborted-transaction entry's marker offset across the segments' {@code .txnindex} files, or -1. */
    long lastAbortMarkerOffset() {
        long last = -1;
        for (LogSegment segment : segments.values()) {
            last = Math.max(last, segment.txnIndex().lastMarkerOffset());
        }
        return last;
    }

    /** See {@link dev.sluice.api.storage.LogStorage#abortedTransactions}: from the segment holding {@code fromOffset} on. */
    List<AbortedTxn> abortedTransactions(long fromOffset, long upperBoundOffset) {
        List<AbortedTxn> found = new ArrayList<>();
        for (LogSegment segment : from(fromOffset)) {
            if (segment.txnIndex().collect(fromOffset, upperBoundOffset, found)) {
                break;
            }
        }
        return found;
    }
}
