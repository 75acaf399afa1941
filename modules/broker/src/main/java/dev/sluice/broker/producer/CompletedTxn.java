package dev.sluice.broker.producer;

import dev.sluice.api.storage.AbortedTxn;

/**
 * A transaction a marker ended: producer, first offset, the marker's offset, whether it aborted,
 * and the last stable offset right after the marker (what an aborted-transaction index entry records).
 */
public record CompletedTxn(long producerId, long firstOffset, long markerOffset, boolean aborted, long lastStableOffset) {

    public AbortedTxn toAbortedTxn() {
        return new AbortedTxn(producerId, firstOffset, markerOffset, lastStableOffset);
    }
}
