package dev.sluice.broker.txn;

import dev.sluice.api.storage.TopicPartition;

import java.util.Set;

/**
 * A transaction's outcome to write on its partitions as control batches (one WritableTxnMarker of
 * WriteTxnMarkers): COMMIT or ABORT for {@code producerId} at {@code producerEpoch}, from the
 * coordinator of {@code coordinatorEpoch} (the leader epoch of its {@code __transaction_state} partition).
 */
public record TxnMarker(long producerId, short producerEpoch, boolean commit, int coordinatorEpoch,
                        Set<TopicPartition> partitions) {
    public TxnMarker {
        partitions = Set.copyOf(partitions);
    }

    TxnMarker on(Set<TopicPartition> some) {
        return new TxnMarker(producerId, producerEpoch, commit, coordinatorEpoch, some);
    }
}
