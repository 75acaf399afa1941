package dev.sluice.client.producer.internals;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.ApiException;
import dev.sluice.client.SluiceClientException;
import dev.sluice.client.consumer.CommitFailedException;
import dev.sluice.client.network.ErrorMapper;
import dev.sluice.client.producer.ProducerFencedException;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Kafka's classification of the transactional responses (its TransactionManager handlers), as pure
 * functions from a response body to a {@link TxnOutcome}: retry (here or after finding the
 * coordinator again), abortable or fatal. INVALID_PRODUCER_EPOCH from the coordinator means the same
 * as PRODUCER_FENCED (older coordinators answer it), so both become {@link ProducerFencedException}.
 */
final class TxnResponses {
    /** The backoff of an AddPartitionsToTxn refused with CONCURRENT_TRANSACTIONS while the previous transaction completes. */
    static final long ADD_PARTITIONS_RETRY_BACKOFF_MS = 20;

    private TxnResponses() {
    }

    /** A FindCoordinator answer: the coordinator's (id, host, port), or why not. */
    record Coordinator(int nodeId, String host, int port, TxnOutcome outcome) {
    }

    static Coordinator findCoordinator(Struct body, short version, String key) {
        Struct entry = version >= 4 ? body.getArray("Coordinators").get(0) : body;
        Errors error = Errors.forCode(entry.getShort("ErrorCode"));
        String message = version >= 1 ? entry.getString("ErrorMessage") : null;
        TxnOutcome outcome = switch (error) {
            case NONE -> TxnOutcome.DONE;
            case TRANSACTIONAL_ID_AUTHORIZATION_FAILED -> new TxnOutcome.Fatal(exception(error, message));
            case GROUP_AUTHORIZATION_FAILED -> new TxnOutcome.Abortable(exception(error, "group " + key), false);
            default -> error.retriable() ? TxnOutcome.Retry.later()
                    : new TxnOutcome.Fatal(new SluiceClientException("could not find the coordinator for " + key
                    + ": " + error + (message == null ? "" : " (" + message + ")")));
        };
        return error == Errors.NONE
                ? new Coordinator(entry.getInt("NodeId"), entry.getString("Host"), entry.getInt("Port"), outcome)
                : new Coordinator(-1, null, -1, outcome);
    }

    static TxnOutcome initProducerId(Struct body) {
        Errors error = Errors.forCode(body.getShort("ErrorCode"));
        return switch (error) {
            case NONE -> TxnOutcome.DONE;
            case NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE -> TxnOutcome.Retry.elsewhere();
            case COORDINATOR_LOAD_IN_PROGRESS, CONCURRENT_TRANSACTIONS -> TxnOutcome.Retry.later();
            case TRANSACTIONAL_ID_AUTHORIZATION_FAILED, CLUSTER_AUTHORIZATION_FAILED -> new TxnOutcome.Fatal(exception(error, null));
            case INVALID_PRODUCER_EPOCH, PRODUCER_FENCED -> fenced();
            default -> new TxnOutcome.Fatal(unexpected("InitProducerId", error));
        };
    }

    /**
     * AddPartitionsToTxn v0-3. {@code firstOfTransaction}: no partition was added yet, so a
     * CONCURRENT_TRANSACTIONS means the previous transaction is still completing: retry soon.
     */
    static TxnOutcome addPartitions(Struct body, boolean firstOfTransaction) {
        Map<TopicPartition, Errors> errors = addPartitionsErrors(body);
        Set<String> unauthorized = new HashSet<>();
        boolean partitionErrors = false;
        for (Map.Entry<TopicPartition, Errors> e : errors.entrySet()) {
            Errors error = e.getValue();
            switch (error) {
                case NONE -> {
                }
                case COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR -> {
                    return TxnOutcome.Retry.elsewhere();
                }
                case CONCURRENT_TRANSACTIONS -> {
                    return new TxnOutcome.Retry(false, firstOfTransaction ? ADD_PARTITIONS_RETRY_BACKOFF_MS : -1);
                }
                case COORDINATOR_LOAD_IN_PROGRESS, UNKNOWN_TOPIC_OR_PARTITION -> {
                    return TxnOutcome.Retry.later();
                }
                case INVALID_PRODUCER_EPOCH, PRODUCER_FENCED -> {
                    return fenced();
                }
                case TRANSACTIONAL_ID_AUTHORIZATION_FAILED, INVALID_TXN_STATE -> {
                    return new TxnOutcome.Fatal(exception(error, null));
                }
                case UNKNOWN_PRODUCER_ID, INVALID_PRODUCER_ID_MAPPING -> {
                    return new TxnOutcome.Abortable(exception(error, null), true);
                }
                case TRANSACTION_ABORTABLE -> {
                    return new TxnOutcome.Abortable(exception(error, null), false);
                }
                case TOPIC_AUTHORIZATION_FAILED -> unauthorized.add(e.getKey().topic());
                default -> partitionErrors = true; // OPERATION_NOT_ATTEMPTED included: another partition failed
            }
        }
        if (!unauthorized.isEmpty()) {
            return new TxnOutcome.Abortable(exception(Errors.TOPIC_AUTHORIZATION_FAILED, "topics " + unauthorized), false);
        }
        if (partitionErrors) {
            return new TxnOutcome.Abortable(new SluiceClientException(
                    "could not add partitions to the transaction: " + errors), false);
        }
        return TxnOutcome.DONE;
    }

    /** Each partition's error in an AddPartitionsToTxn v0-3 response. */
    static Map<TopicPartition, Errors> addPartitionsErrors(Struct body) {
        Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
        for (Struct topic : body.getArray("ResultsByTopicV3AndBelow")) {
            for (Struct p : topic.getArray("ResultsByPartition")) {
                errors.put(new TopicPartition(topic.getString("Name"), p.getInt("PartitionIndex")),
                        Errors.forCode(p.getShort("PartitionErrorCode")));
            }
        }
        return errors;
    }

    static TxnOutcome addOffsets(Struct body, String groupId) {
        Errors error = Errors.forCode(body.getShort("ErrorCode"));
        return switch (error) {
            case NONE -> TxnOutcome.DONE;
            case COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR -> TxnOutcome.Retry.elsewhere();
            case COORDINATOR_LOAD_IN_PROGRESS, CONCURRENT_TRANSACTIONS -> TxnOutcome.Retry.later();
            case UNKNOWN_PRODUCER_ID, INVALID_PRODUCER_ID_MAPPING -> new TxnOutcome.Abortable(exception(error, null), true);
            case INVALID_PRODUCER_EPOCH, PRODUCER_FENCED -> fenced();
            case TRANSACTIONAL_ID_AUTHORIZATION_FAILED -> new TxnOutcome.Fatal(exception(error, null));
            case GROUP_AUTHORIZATION_FAILED -> new TxnOutcome.Abortable(exception(error, "group " + groupId), false);
            case TRANSACTION_ABORTABLE -> new TxnOutcome.Abortable(exception(error, null), false);
            default -> new TxnOutcome.Fatal(unexpected("AddOffsetsToTxn", error));
        };
    }

    static TxnOutcome endTxn(Struct body) {
        Errors error = Errors.forCode(body.getShort("ErrorCode"));
        return switch (error) {
            case NONE -> TxnOutcome.DONE;
            case COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR -> TxnOutcome.Retry.elsewhere();
            case COORDINATOR_LOAD_IN_PROGRESS, CONCURRENT_TRANSACTIONS -> TxnOutcome.Retry.later();
            case INVALID_PRODUCER_EPOCH, PRODUCER_FENCED -> fenced();
            case TRANSACTIONAL_ID_AUTHORIZATION_FAILED, INVALID_TXN_STATE -> new TxnOutcome.Fatal(exception(error, null));
            case UNKNOWN_PRODUCER_ID, INVALID_PRODUCER_ID_MAPPING -> new TxnOutcome.Abortable(exception(error, null), true);
            case TRANSACTION_ABORTABLE -> new TxnOutcome.Abortable(exception(error, null), false);
            default -> new TxnOutcome.Fatal(unexpected("EndTxn", error));
        };
    }

    /** A TxnOffsetCommit answer: the partitions committed, and what to do about the rest. */
    record OffsetCommitResult(Set<TopicPartition> committed, TxnOutcome outcome) {
    }

    static OffsetCommitResult txnOffsetCommit(Struct body) {
        Set<TopicPartition> committed = new HashSet<>();
        TxnOutcome outcome = TxnOutcome.DONE;
        for (Struct topic : body.getArray("Topics")) {
            for (Struct p : topic.getArray("Partitions")) {
                TopicPartition tp = new TopicPartition(topic.getString("Name"), p.getInt("PartitionIndex"));
                Errors error = Errors.forCode(p.getShort("ErrorCode"));
                TxnOutcome one = switch (error) {
                    case NONE -> {
                        committed.add(tp);
                        yield TxnOutcome.DONE;
                    }
                    case COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR, REQUEST_TIMED_OUT -> TxnOutcome.Retry.elsewhere();
                    case UNKNOWN_TOPIC_OR_PARTITION, COORDINATOR_LOAD_IN_PROGRESS, CONCURRENT_TRANSACTIONS -> TxnOutcome.Retry.later();
                    case GROUP_AUTHORIZATION_FAILED, FENCED_INSTANCE_ID, TRANSACTION_ABORTABLE ->
                            new TxnOutcome.Abortable(exception(error, null), false);
                    case UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION -> new TxnOutcome.Abortable(new CommitFailedException(
                            "the transaction's offset commit failed: the consumer group moved on (" + error
                                    + "): its partitions may belong to another member now"), false);
                    case TRANSACTIONAL_ID_AUTHORIZATION_FAILED, UNSUPPORTED_FOR_MESSAGE_FORMAT -> new TxnOutcome.Fatal(exception(error, null));
                    case INVALID_PRODUCER_EPOCH, PRODUCER_FENCED -> fenced();
                    default -> new TxnOutcome.Fatal(unexpected("TxnOffsetCommit", error));
                };
                outcome = worse(outcome, one);
            }
        }
        return new OffsetCommitResult(committed, outcome);
    }

    /**
     * How a batch that failed for good affects the transaction: fencing, authorization and version
     * errors are fatal; anything else is abortable and the abort bumps the epoch (the broker may hold
     * sequence state for the lost batch).
     */
    static TxnOutcome batchFailed(RuntimeException cause) {
        if (cause instanceof ProducerFencedException) {
            return new TxnOutcome.Fatal(cause);
        }
        if (cause instanceof ApiException api) {
            Errors error = Errors.forCode(api.errorCode());
            if (error == Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED || error == Errors.CLUSTER_AUTHORIZATION_FAILED
                    || error == Errors.UNSUPPORTED_VERSION) {
                return new TxnOutcome.Fatal(cause);
            }
        }
        return new TxnOutcome.Abortable(cause, true);
    }

    /** Fatal over abortable over retry-elsewhere over retry over done. */
    private static TxnOutcome worse(TxnOutcome a, TxnOutcome b) {
        return rank(b) > rank(a) ? b : a;
    }

    private static int rank(TxnOutcome o) {
        if (o instanceof TxnOutcome.Fatal) {
            return 4;
        }
        if (o instanceof TxnOutcome.Abortable) {
            return 3;
        }
        if (o instanceof TxnOutcome.Retry r) {
            return r.findCoordinator() ? 2 : 1;
        }
        return 0;
    }

    private static TxnOutcome fenced() {
        return new TxnOutcome.Fatal(new ProducerFencedException("there is a newer producer with the same transactional.id,"
                + " which fences this one: close it"));
    }

    private static RuntimeException exception(Errors error, String message) {
        return ErrorMapper.toException(error.code(), message);
    }

    private static RuntimeException unexpected(String api, Errors error) {
        return new SluiceClientException("unexpected error in the " + api + " response: " + error + " (" + error.message() + ")");
    }
}
