package dev.sluice.client.producer.internals;

import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.consumer.ConsumerGroupMetadata;
import dev.sluice.client.consumer.OffsetAndMetadata;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.message.Struct;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The transactional producer's requests (Kafka's transactions v1): InitProducerId, AddPartitionsToTxn,
 * AddOffsetsToTxn, TxnOffsetCommit and EndTxn. Each says what it sends (from {@link TxnRequests}), how
 * its answer is classified ({@link TxnResponses}) and what success changes in the manager.
 * Threads: as {@link TxnCall}.
 */
final class TxnCalls {
    private TxnCalls() {
    }

    /** The first InitProducerId, or (bump) the KIP-360 epoch bump after an aborted, failed transaction. */
    static final class InitProducerId extends TxnCall {
        private final boolean bump;
        private long newId;
        private short newEpoch;

        InitProducerId(TransactionManager manager, boolean bump) {
            super(manager, bump ? Priority.EPOCH_BUMP : Priority.INIT_PRODUCER_ID, new CompletableFuture<>());
            this.bump = bump;
        }

        @Override
        ApiKey api() {
            return ApiKey.INIT_PRODUCER_ID;
        }

        @Override
        Struct build(short version) {
            return TxnRequests.initProducerId(version, manager.transactionalId(), manager.transactionTimeoutMs(),
                    bump ? manager.producerId() : RecordBatch.NO_PRODUCER_ID,
                    bump ? manager.epoch() : RecordBatch.NO_PRODUCER_EPOCH);
        }

        @Override
        TxnOutcome handle(Struct body, short version) {
            newId = body.getLong("ProducerId");
            newEpoch = body.getShort("ProducerEpoch");
            return TxnResponses.initProducerId(body);
        }

        @Override
        void succeeded() {
            manager.producerIdAssigned(newId, newEpoch);
            result.complete(null);
        }
    }

    /** Partitions join the transaction before their first batch goes out. */
    static final class AddPartitions extends TxnCall {
        private final Set<TopicPartition> partitions;

        AddPartitions(TransactionManager manager, Set<TopicPartition> partitions) {
            super(manager, Priority.ADD_PARTITIONS_OR_OFFSETS, new CompletableFuture<>());
            this.partitions = partitions;
        }

        @Override
        ApiKey api() {
            return ApiKey.ADD_PARTITIONS_TO_TXN;
        }

        @Override
        short maxVersion() {
            return TxnRequests.ADD_PARTITIONS_MAX_VERSION;
        }

        @Override
        Struct build(short version) {
            return TxnRequests.addPartitions(manager.transactionalId(), manager.producerId(), manager.epoch(), partitions);
        }

        @Override
        TxnOutcome handle(Struct body, short version) {
            return TxnResponses.addPartitions(body, manager.noPartitionAdded());
        }

        @Override
        void succeeded() {
            manager.partitionsAdded(partitions);
            result.complete(null);
        }

        @Override
        void failed() {
            manager.partitionsNotAdded(partitions);
        }
    }

    /** The group's offsets partition joins the transaction; then TxnOffsetCommit writes the offsets. */
    static final class AddOffsets extends TxnCall {
        private final Map<TopicPartition, OffsetAndMetadata> offsets;
        private final ConsumerGroupMetadata group;

        AddOffsets(TransactionManager manager, Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
            super(manager, Priority.ADD_PARTITIONS_OR_OFFSETS, new CompletableFuture<>());
            this.offsets = offsets;
            this.group = group;
        }

        @Override
        ApiKey api() {
            return ApiKey.ADD_OFFSETS_TO_TXN;
        }

        @Override
        Struct build(short version) {
            return TxnRequests.addOffsets(manager.transactionalId(), manager.producerId(), manager.epoch(), group.groupId());
        }

        @Override
        TxnOutcome handle(Struct body, short version) {
            return TxnResponses.addOffsets(body, group.groupId());
        }

        @Override
        void succeeded() {
            manager.transactionStarted();
            manager.enqueue(new TxnOffsetCommit(manager, offsets, group, result)); // the caller's result completes with it
        }
    }

    /** The offsets, at the group's coordinator; partitions refused retriably are sent again. */
    static final class TxnOffsetCommit extends TxnCall {
        private final Map<TopicPartition, OffsetAndMetadata> remaining;
        private final ConsumerGroupMetadata group;

        TxnOffsetCommit(TransactionManager manager, Map<TopicPartition, OffsetAndMetadata> offsets,
                        ConsumerGroupMetadata group, CompletableFuture<Void> result) {
            super(manager, Priority.ADD_PARTITIONS_OR_OFFSETS, result);
            this.remaining = new LinkedHashMap<>(offsets);
            this.group = group;
        }

        @Override
        ApiKey api() {
            return ApiKey.TXN_OFFSET_COMMIT;
        }

        @Override
        byte coordinatorType() {
            return TxnRequests.GROUP;
        }

        @Override
        String coordinatorKey() {
            return group.groupId();
        }

        @Override
        Struct build(short version) {
            return TxnRequests.txnOffsetCommit(version, manager.transactionalId(), manager.producerId(), manager.epoch(),
                    group, remaining);
        }

        @Override
        TxnOutcome handle(Struct body, short version) {
            TxnResponses.OffsetCommitResult answer = TxnResponses.txnOffsetCommit(body);
            remaining.keySet().removeAll(answer.committed());
            if (answer.outcome() instanceof TxnOutcome.Done) {
                return remaining.isEmpty() ? TxnOutcome.DONE : TxnOutcome.Retry.later();
            }
            return answer.outcome();
        }
    }

    /** Commits or aborts; sent only once every batch of the transaction has completed. */
    static final class EndTxn extends TxnCall {
        private final boolean commit;

        EndTxn(TransactionManager manager, boolean commit) {
            super(manager, Priority.END_TXN, new CompletableFuture<>());
            this.commit = commit;
        }

        @Override
        ApiKey api() {
            return ApiKey.END_TXN;
        }

        @Override
        short maxVersion() {
            return TxnRequests.END_TXN_MAX_VERSION;
        }

        @Override
        Struct build(short version) {
            return TxnRequests.endTxn(manager.transactionalId(), manager.producerId(), manager.epoch(), commit);
        }

        @Override
        TxnOutcome handle(Struct body, short version) {
            return TxnResponses.endTxn(body);
        }

        @Override
        void succeeded() {
            manager.completeTransaction();
            result.complete(null);
        }
    }
}
