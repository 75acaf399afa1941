package dev.sluice.broker.txn;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.metadata.BrokerNode;
import dev.sluice.protocol.Errors;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * How markers reach the leaders of their partitions: WriteTxnMarkers (key 27) to {@code leader},
 * the coordinator's own broker included ({@link NetworkMarkerChannel}; tests record them).
 */
public interface MarkerChannel extends AutoCloseable {

    /**
     * Sends {@code marker} to {@code leader}; the future completes with each partition's error, or
     * exceptionally if the request was not answered (the caller retries).
     */
    CompletableFuture<Map<TopicPartition, Errors>> send(BrokerNode leader, TxnMarker marker);

    @Override
    void close();
}
