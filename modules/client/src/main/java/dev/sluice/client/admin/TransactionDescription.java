package dev.sluice.client.admin;

import dev.sluice.api.storage.TopicPartition;

import java.util.List;

/**
 * A transactional id's state at its coordinator, as DescribeTransactions answers (kafka-transactions.sh
 * describe).
 *
 * @param startTimeMs the open transaction's start (wall clock ms), -1 if none is open
 * @param partitions  the partitions in the open transaction (while it completes: those still without a marker)
 */
public record TransactionDescription(int coordinatorId, String transactionalId, long producerId, short producerEpoch,
                                     String state, int timeoutMs, long startTimeMs, List<TopicPartition> partitions) {
    public TransactionDescription {
        partitions = List.copyOf(partitions);
    }
}
