package dev.sluice.broker.replica;

import dev.sluice.api.storage.TopicPartition;

import java.util.List;

/**
 * Told when a transaction's markers landed on {@code __consumer_offsets} partitions led here
 * (appended and replicated to the ISR, as the WriteTxnMarkers answer says): Kafka's
 * {@code GroupCoordinator.onTransactionCompleted}, through which offsets committed inside the
 * transaction (TxnOffsetCommit) become visible on commit or are dropped on abort. Called on the
 * thread that completed the last of those markers; must not block.
 */
@FunctionalInterface
public interface TxnMarkerListener {

    void onMarkersWritten(long producerId, boolean committed, List<TopicPartition> offsetsPartitions);

    TxnMarkerListener NONE = (producerId, committed, partitions) -> { };
}
