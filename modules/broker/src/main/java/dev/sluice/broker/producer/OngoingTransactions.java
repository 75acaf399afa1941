package dev.sluice.broker.producer;

import java.util.Map;
import java.util.TreeMap;

/**
 * The transactions that keep a partition's last stable offset back (Kafka's {@code ongoingTxns} and
 * {@code unreplicatedTxns}): those still open, by first offset, and those whose marker is in the log
 * but not yet below the high watermark (a new leader without the marker would still see them open).
 * Last stable offset = min(high watermark, first offset of any of them). Guarded by the partition's
 * append lock.
 */
final class OngoingTransactions {
    /** first offset → producer id */
    private final TreeMap<Long, Long> open = new TreeMap<>();
    /** first offset → marker offset */
    private final TreeMap<Long, Long> unreplicated = new TreeMap<>();

    void begin(long producerId, long firstOffset) {
        open.put(firstOffset, producerId);
    }

    /**
     * The transaction opened at {@code firstOffset} ended with a marker at {@code markerOffset}.
     *
     * @return the last stable offset right after the marker as Kafka's index records it: the first
     *         offset of the earliest transaction still open, else {@code markerOffset + 1}
     */
    long complete(long firstOffset, long markerOffset) {
        open.remove(firstOffset);
        unreplicated.put(firstOffset, markerOffset);
        return open.isEmpty() ? markerOffset + 1 : open.firstKey();
    }

    /** Forgets completed transactions whose marker is now below {@code highWatermark}; returns the last stable offset. */
    long lastStableOffset(long highWatermark) {
        if (!unreplicated.isEmpty()) { // the usual case is empty: no iterator per append then
            unreplicated.values().removeIf(marker -> marker < highWatermark);
        }
        long first = highWatermark;
        if (!open.isEmpty()) {
            first = Math.min(first, open.firstKey());
        }
        if (!unreplicated.isEmpty()) {
            first = Math.min(first, unreplicated.firstKey());
        }
        return first;
    }

    /** First offset of the earliest open transaction, or -1 (DescribeProducers, tests). */
    long firstOpenOffset() {
        return open.isEmpty() ? -1 : open.firstKey();
    }

    int openCount() {
        return open.size();
    }

    void clear() {
        open.clear();
        unreplicated.clear();
    }

    /** Rebuilds the open transactions from the producers' entries (after a snapshot was read). */
    void rebuild(Map<Long, ProducerEntry> producers) {
        clear();
        producers.forEach((id, entry) -> {
            if (entry.currentTxnFirstOffset() != ProducerEntry.NO_TXN) {
                open.put(entry.currentTxnFirstOffset(), id);
            }
        });
    }
}
