package dev.sluice.client.admin;

/**
 * A transactional id as ListTransactions shows it (kafka-transactions.sh list).
 *
 * @param state         Kafka's transaction state name: Empty, Ongoing, PrepareCommit, PrepareAbort,
 *                      CompleteCommit, CompleteAbort, PrepareEpochFence, Dead
 * @param coordinatorId the broker coordinating it
 */
public record TransactionListing(String transactionalId, long producerId, String state, int coordinatorId) {
}
