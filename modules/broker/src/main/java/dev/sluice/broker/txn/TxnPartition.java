package dev.sluice.broker.txn;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One partition of {@code __transaction_state} this broker coordinates: its coordinator epoch
 * (the partition's leader epoch when it was taken over, carried by every marker), whether its
 * states are loaded, and the transactional ids it holds.
 *
 * <p>Threads: {@link #loaded} is set on the loader thread and read by any; the entries map is
 * concurrent, each entry guarded by its own lock.
 */
final class TxnPartition {
    final int index;
    final int coordinatorEpoch;
    volatile boolean loaded;
    final Map<String, Entry> entries = new ConcurrentHashMap<>();

    TxnPartition(int index, int coordinatorEpoch) {
        this.index = index;
        this.coordinatorEpoch = coordinatorEpoch;
    }

    /**
     * A transactional id's state in memory, and the state a write in flight moves it to (Kafka's
     * {@code pendingState}): while one is in flight other requests for the id get CONCURRENT_TRANSACTIONS.
     * Guarded by its own monitor.
     */
    static final class Entry {
        final String transactionalId;
        TxnMetadata current;
        TxnState pending;

        Entry(String transactionalId, TxnMetadata current) {
            this.transactionalId = transactionalId;
            this.current = current;
        }
    }
}
