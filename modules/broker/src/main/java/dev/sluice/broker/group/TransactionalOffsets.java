package dev.sluice.broker.group;

import dev.sluice.api.offset.CommittedOffset;
import dev.sluice.api.storage.TopicPartition;

import java.util.Map;

/**
 * Offsets committed inside a transaction (TxnOffsetCommit): stored at once but pending, invisible
 * to OffsetFetch, until the transaction's marker lands on the group's {@code __consumer_offsets}
 * partition; a COMMIT marker makes them the group's committed offsets, an ABORT drops them (Kafka's
 * {@code pendingTransactionalOffsetCommits}). Replaying the partition applies the markers found in
 * it the same way. Implemented by the log offset store only: the markers live in that topic.
 *
 * <p>Threads: request handler threads; {@link #transactionCompleted} on the thread that appended the marker.
 */
public interface TransactionalOffsets {

    /** Stores {@code offsets} as pending for {@code producerId}'s transaction. */
    void commitPending(String group, long producerId, Map<TopicPartition, CommittedOffset> offsets);

    /**
     * A marker for {@code producerId} was appended to {@code offsetsPartition} of {@code __consumer_offsets}:
     * its pending offsets there become committed ({@code committed}) or are dropped.
     */
    void transactionCompleted(int offsetsPartition, long producerId, boolean committed);

    /** Whether {@code group} has an offset of {@code partition} pending in a transaction (OffsetFetch's RequireStable). */
    boolean hasPending(String group, TopicPartition partition);
}
