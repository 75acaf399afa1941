package dev.sluice.broker.api;

import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.message.Field;
import dev.sluice.protocol.message.StructSchema;

/**
 * Field handles of Fetch, resolved once from the schema (one schema covers every version), so
 * the per-partition path reads and writes by index instead of looking names up.
 *
 * <p>Threads: immutable constants, any thread.
 */
final class FetchFields {
    private static final StructSchema REQUEST = ApiKey.FETCH.requestSchema().struct();
    private static final StructSchema RESPONSE = ApiKey.FETCH.responseSchema().struct();

    static final Field REPLICA_ID = REQUEST.field("ReplicaId");
    static final Field REPLICA_STATE = REQUEST.field("ReplicaState");
    static final Field STATE_REPLICA_ID = REPLICA_STATE.struct().field("ReplicaId");
    static final Field MAX_WAIT_MS = REQUEST.field("MaxWaitMs");
    static final Field MIN_BYTES = REQUEST.field("MinBytes");
    static final Field MAX_BYTES = REQUEST.field("MaxBytes");
    static final Field ISOLATION_LEVEL = REQUEST.field("IsolationLevel");
    static final Field TOPICS = REQUEST.field("Topics");
    static final Field TOPIC = TOPICS.struct().field("Topic");
    static final Field TOPIC_ID = TOPICS.struct().field("TopicId");
    static final Field PARTITIONS = TOPICS.struct().field("Partitions");
    static final Field PARTITION = PARTITIONS.struct().field("Partition");
    static final Field CURRENT_LEADER_EPOCH = PARTITIONS.struct().field("CurrentLeaderEpoch");
    static final Field FETCH_OFFSET = PARTITIONS.struct().field("FetchOffset");
    static final Field LAST_FETCHED_EPOCH = PARTITIONS.struct().field("LastFetchedEpoch");
    static final Field FOLLOWER_LOG_START_OFFSET = PARTITIONS.struct().field("LogStartOffset");
    static final Field PARTITION_MAX_BYTES = PARTITIONS.struct().field("PartitionMaxBytes");

    static final Field ERROR_CODE = RESPONSE.field("ErrorCode");
    static final Field SESSION_ID = RESPONSE.field("SessionId");
    static final Field RESPONSES = RESPONSE.field("Responses");
    static final Field RESPONSE_TOPIC = RESPONSES.struct().field("Topic");
    static final Field RESPONSE_TOPIC_ID = RESPONSES.struct().field("TopicId");
    static final Field RESPONSE_PARTITIONS = RESPONSES.struct().field("Partitions");
    static final Field PARTITION_INDEX = RESPONSE_PARTITIONS.struct().field("PartitionIndex");
    static final Field PARTITION_ERROR_CODE = RESPONSE_PARTITIONS.struct().field("ErrorCode");
    static final Field HIGH_WATERMARK = RESPONSE_PARTITIONS.struct().field("HighWatermark");
    static final Field LAST_STABLE_OFFSET = RESPONSE_PARTITIONS.struct().field("LastStableOffset");
    static final Field LOG_START_OFFSET = RESPONSE_PARTITIONS.struct().field("LogStartOffset");
    static final Field RECORDS = RESPONSE_PARTITIONS.struct().field("Records");
    static final Field ABORTED_TRANSACTIONS = RESPONSE_PARTITIONS.struct().field("AbortedTransactions");
    static final Field ABORTED_PRODUCER_ID = ABORTED_TRANSACTIONS.struct().field("ProducerId");
    static final Field ABORTED_FIRST_OFFSET = ABORTED_TRANSACTIONS.struct().field("FirstOffset");
    static final Field DIVERGING_EPOCH = RESPONSE_PARTITIONS.struct().field("DivergingEpoch");
    static final Field DIVERGING_EPOCH_EPOCH = DIVERGING_EPOCH.struct().field("Epoch");
    static final Field DIVERGING_EPOCH_END_OFFSET = DIVERGING_EPOCH.struct().field("EndOffset");

    private FetchFields() {
    }
}
