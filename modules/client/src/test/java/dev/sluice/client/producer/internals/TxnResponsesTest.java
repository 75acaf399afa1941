package dev.sluice.client.producer.internals;

import dev.sluice.client.ApiException;
import dev.sluice.client.consumer.CommitFailedException;
import dev.sluice.client.producer.InvalidProducerEpochException;
import dev.sluice.client.producer.ProducerFencedException;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.message.MessageCodec;
import dev.sluice.protocol.message.Struct;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka's classification of transactional responses (retry, find the coordinator again, abortable,
 * fatal), on response bodies written by kafka-clients and read by Sluice's protocol module.
 */
class TxnResponsesTest {

    private static Struct read(ApiKey api, ApiMessage kafka, short version) {
        return MessageCodec.read(api.responseSchema(), version, MessageUtil.toByteBufferAccessor(kafka, version).buffer());
    }

    private static TxnOutcome endTxn(Errors error) {
        return TxnResponses.endTxn(read(ApiKey.END_TXN, new EndTxnResponseData().setErrorCode(error.code()), (short) 4));
    }

    @Test
    void endTxnErrorsAreClassifiedAsKafkaDoes() {
        assertThat(endTxn(Errors.NONE)).isInstanceOf(TxnOutcome.Done.class);
        assertThat(endTxn(Errors.NOT_COORDINATOR)).isEqualTo(TxnOutcome.Retry.elsewhere());
        assertThat(endTxn(Errors.COORDINATOR_NOT_AVAILABLE)).isEqualTo(TxnOutcome.Retry.elsewhere());
        assertThat(endTxn(Errors.CONCURRENT_TRANSACTIONS)).isEqualTo(TxnOutcome.Retry.later());
        assertThat(endTxn(Errors.COORDINATOR_LOAD_IN_PROGRESS)).isEqualTo(TxnOutcome.Retry.later());
        // an old coordinator answers INVALID_PRODUCER_EPOCH for a fenced producer: the same as PRODUCER_FENCED
        assertThat(((TxnOutcome.Fatal) endTxn(Errors.PRODUCER_FENCED)).error()).isInstanceOf(ProducerFencedException.class);
        assertThat(((TxnOutcome.Fatal) endTxn(Errors.INVALID_PRODUCER_EPOCH)).error()).isInstanceOf(ProducerFencedException.class);
        assertThat(endTxn(Errors.INVALID_TXN_STATE)).isInstanceOf(TxnOutcome.Fatal.class);
        TxnOutcome unknownProducer = endTxn(Errors.UNKNOWN_PRODUCER_ID);
        assertThat(unknownProducer).isInstanceOf(TxnOutcome.Abortable.class);
        assertThat(((TxnOutcome.Abortable) unknownProducer).bumpEpoch()).isTrue();
        TxnOutcome.Abortable abortable = (TxnOutcome.Abortable) endTxn(Errors.TRANSACTION_ABORTABLE);
        assertThat(abortable.error()).isInstanceOf(dev.sluice.client.producer.TransactionAbortableException.class);
        assertThat(abortable.bumpEpoch()).isFalse();
        assertThat(endTxn(Errors.UNKNOWN_SERVER_ERROR)).isInstanceOf(TxnOutcome.Fatal.class);
    }

    @Test
    void initProducerIdFencingIsFatalAndCoordinatorMovesAreRetried() {
        InitProducerIdResponseData ok = new InitProducerIdResponseData().setProducerId(12).setProducerEpoch((short) 3);
        Struct body = read(ApiKey.INIT_PRODUCER_ID, ok, (short) 5);
        assertThat(TxnResponses.initProducerId(body)).isInstanceOf(TxnOutcome.Done.class);
        assertThat(body.getLong("ProducerId")).isEqualTo(12);
        assertThat(TxnResponses.initProducerId(read(ApiKey.INIT_PRODUCER_ID,
                new InitProducerIdResponseData().setErrorCode(Errors.NOT_COORDINATOR.code()), (short) 4)))
                .isEqualTo(TxnOutcome.Retry.elsewhere());
        assertThat(TxnResponses.initProducerId(read(ApiKey.INIT_PRODUCER_ID,
                new InitProducerIdResponseData().setErrorCode(Errors.CONCURRENT_TRANSACTIONS.code()), (short) 4)))
                .isEqualTo(TxnOutcome.Retry.later());
        TxnOutcome fenced = TxnResponses.initProducerId(read(ApiKey.INIT_PRODUCER_ID,
                new InitProducerIdResponseData().setErrorCode(Errors.PRODUCER_FENCED.code()), (short) 4));
        assertThat(((TxnOutcome.Fatal) fenced).error()).isInstanceOf(ProducerFencedException.class);
        TxnOutcome timeout = TxnResponses.initProducerId(read(ApiKey.INIT_PRODUCER_ID,
                new InitProducerIdResponseData().setErrorCode(Errors.INVALID_TRANSACTION_TIMEOUT.code()), (short) 4));
        assertThat(timeout).isInstanceOf(TxnOutcome.Fatal.class);
    }

    private static AddPartitionsToTxnResponseData addPartitions(Errors p0, Errors p1) {
        AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResultCollection results =
                new AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResultCollection();
        results.add(new AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResult()
                .setPartitionIndex(0).setPartitionErrorCode(p0.code()));
        results.add(new AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResult()
                .setPartitionIndex(1).setPartitionErrorCode(p1.code()));
        AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResultCollection topics =
                new AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResultCollection();
        topics.add(new AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult().setName("t").setResultsByPartition(results));
        return new AddPartitionsToTxnResponseData().setResultsByTopicV3AndBelow(topics);
    }

    private static TxnOutcome addPartitions(Errors p0, Errors p1, boolean first) {
        return TxnResponses.addPartitions(read(ApiKey.ADD_PARTITIONS_TO_TXN, addPartitions(p0, p1), (short) 3), first);
    }

    @Test
    void addPartitionsRetriesConcurrentTransactionsSoonOnlyForTheFirstAdd() {
        assertThat(addPartitions(Errors.NONE, Errors.NONE, true)).isInstanceOf(TxnOutcome.Done.class);
        assertThat(addPartitions(Errors.NONE, Errors.CONCURRENT_TRANSACTIONS, true))
                .isEqualTo(new TxnOutcome.Retry(false, TxnResponses.ADD_PARTITIONS_RETRY_BACKOFF_MS));
        assertThat(addPartitions(Errors.CONCURRENT_TRANSACTIONS, Errors.NONE, false)).isEqualTo(TxnOutcome.Retry.later());
        assertThat(addPartitions(Errors.UNKNOWN_TOPIC_OR_PARTITION, Errors.NONE, false)).isEqualTo(TxnOutcome.Retry.later());
        assertThat(addPartitions(Errors.NONE, Errors.NOT_COORDINATOR, false)).isEqualTo(TxnOutcome.Retry.elsewhere());
        assertThat(((TxnOutcome.Fatal) addPartitions(Errors.INVALID_PRODUCER_EPOCH, Errors.NONE, false)).error())
                .isInstanceOf(ProducerFencedException.class);
        assertThat(addPartitions(Errors.INVALID_TXN_STATE, Errors.NONE, false)).isInstanceOf(TxnOutcome.Fatal.class);
        TxnOutcome notAttempted = addPartitions(Errors.TOPIC_AUTHORIZATION_FAILED, Errors.OPERATION_NOT_ATTEMPTED, false);
        assertThat(notAttempted).isInstanceOf(TxnOutcome.Abortable.class);
        assertThat(((TxnOutcome.Abortable) notAttempted).error().getMessage()).contains("TOPIC_AUTHORIZATION_FAILED", "[t]");
        assertThat(((TxnOutcome.Abortable) addPartitions(Errors.INVALID_PRODUCER_ID_MAPPING, Errors.NONE, false)).bumpEpoch())
                .isTrue();
        assertThat(TxnResponses.addPartitionsErrors(read(ApiKey.ADD_PARTITIONS_TO_TXN,
                addPartitions(Errors.NONE, Errors.OPERATION_NOT_ATTEMPTED), (short) 0)).values())
                .containsExactly(dev.sluice.protocol.Errors.NONE, dev.sluice.protocol.Errors.OPERATION_NOT_ATTEMPTED);
    }

    @Test
    void addOffsetsAndFindCoordinator() {
        assertThat(TxnResponses.addOffsets(read(ApiKey.ADD_OFFSETS_TO_TXN,
                new AddOffsetsToTxnResponseData(), (short) 3), "g")).isInstanceOf(TxnOutcome.Done.class);
        TxnOutcome groupDenied = TxnResponses.addOffsets(read(ApiKey.ADD_OFFSETS_TO_TXN,
                new AddOffsetsToTxnResponseData().setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code()), (short) 3), "g");
        assertThat(groupDenied).isInstanceOf(TxnOutcome.Abortable.class);

        FindCoordinatorResponseData found = new FindCoordinatorResponseData().setCoordinators(List.of(
                new FindCoordinatorResponseData.Coordinator().setKey("tx").setNodeId(3).setHost("h").setPort(9)));
        TxnResponses.Coordinator c = TxnResponses.findCoordinator(read(ApiKey.FIND_COORDINATOR, found, (short) 4), (short) 4, "tx");
        assertThat(c).isEqualTo(new TxnResponses.Coordinator(3, "h", 9, TxnOutcome.DONE));
        FindCoordinatorResponseData loading = new FindCoordinatorResponseData()
                .setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code()).setNodeId(-1).setHost("").setPort(-1);
        assertThat(TxnResponses.findCoordinator(read(ApiKey.FIND_COORDINATOR, loading, (short) 3), (short) 3, "tx").outcome())
                .isEqualTo(TxnOutcome.Retry.later());
    }

    @Test
    void txnOffsetCommitKeepsCommittedPartitionsAndTurnsAGroupThatMovedOnIntoAnAbortableCommitFailure() {
        TxnOffsetCommitResponseData data = new TxnOffsetCommitResponseData().setTopics(List.of(
                new TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic().setName("in").setPartitions(List.of(
                        new TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition().setPartitionIndex(0),
                        new TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition().setPartitionIndex(1)
                                .setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code())))));
        TxnResponses.OffsetCommitResult partial = TxnResponses.txnOffsetCommit(read(ApiKey.TXN_OFFSET_COMMIT, data, (short) 3));
        assertThat(partial.committed()).containsExactly(new dev.sluice.api.storage.TopicPartition("in", 0));
        assertThat(partial.outcome()).isEqualTo(TxnOutcome.Retry.later());

        data.topics().get(0).partitions().get(1).setErrorCode(Errors.ILLEGAL_GENERATION.code());
        TxnOutcome moved = TxnResponses.txnOffsetCommit(read(ApiKey.TXN_OFFSET_COMMIT, data, (short) 3)).outcome();
        assertThat(((TxnOutcome.Abortable) moved).error()).isInstanceOf(CommitFailedException.class);

        data.topics().get(0).partitions().get(0).setErrorCode(Errors.PRODUCER_FENCED.code());
        assertThat(TxnResponses.txnOffsetCommit(read(ApiKey.TXN_OFFSET_COMMIT, data, (short) 3)).outcome())
                .isInstanceOf(TxnOutcome.Fatal.class); // fatal outranks abortable
    }

    @Test
    void aFailedBatchIsFatalOnlyForFencingAndAuthorization() {
        assertThat(TxnResponses.batchFailed(new ProducerFencedException("x"))).isInstanceOf(TxnOutcome.Fatal.class);
        assertThat(TxnResponses.batchFailed(new ApiException((short) 53, "TRANSACTIONAL_ID_AUTHORIZATION_FAILED", false, "")))
                .isInstanceOf(TxnOutcome.Fatal.class);
        // the coordinator aborted the transaction on timeout and bumped the epoch (KIP-588): abort and go on
        TxnOutcome staleEpoch = TxnResponses.batchFailed(new InvalidProducerEpochException("old epoch"));
        assertThat(staleEpoch).isInstanceOf(TxnOutcome.Abortable.class);
        assertThat(((TxnOutcome.Abortable) staleEpoch).bumpEpoch()).isTrue();
        assertThat(TxnResponses.batchFailed(new ApiException((short) 10, "MESSAGE_TOO_LARGE", false, "")))
                .isInstanceOf(TxnOutcome.Abortable.class);
    }

    @Test
    void statesMoveOnlyAsKafkasTransactionManagerAllows() {
        assertThat(TxnState.UNINITIALIZED.canMoveTo(TxnState.INITIALIZING)).isTrue();
        assertThat(TxnState.UNINITIALIZED.canMoveTo(TxnState.IN_TRANSACTION)).isFalse();
        assertThat(TxnState.READY.canMoveTo(TxnState.IN_TRANSACTION)).isTrue();
        assertThat(TxnState.IN_TRANSACTION.canMoveTo(TxnState.IN_TRANSACTION)).isFalse();
        assertThat(TxnState.ABORTABLE_ERROR.canMoveTo(TxnState.COMMITTING)).isFalse();
        assertThat(TxnState.ABORTABLE_ERROR.canMoveTo(TxnState.ABORTING)).isTrue();
        assertThat(TxnState.ABORTING.canMoveTo(TxnState.INITIALIZING)).isTrue(); // the epoch bump after a failed transaction
        assertThat(TxnState.COMMITTING.canMoveTo(TxnState.READY)).isTrue();
        for (TxnState s : TxnState.values()) {
            assertThat(s.canMoveTo(TxnState.FATAL_ERROR)).isTrue();
            assertThat(TxnState.FATAL_ERROR.canMoveTo(s)).isEqualTo(s == TxnState.FATAL_ERROR);
        }
    }
}
