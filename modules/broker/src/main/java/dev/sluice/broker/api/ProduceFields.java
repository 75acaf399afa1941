package dev.sluice.broker.api;

import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.message.Field;
import dev.sluice.protocol.message.StructSchema;

/**
 * Field handles of Produce, resolved once from the schema (one schema covers every version), so
 * the per-partition path reads and writes by index instead of looking names up.
 *
 * <p>Threads: immutable constants, any thread.
 */
final class ProduceFields {
    private static final StructSchema REQUEST = ApiKey.PRODUCE.requestSchema().struct();
    private static final StructSchema RESPONSE = ApiKey.PRODUCE.responseSchema().struct();

    static final Field TRANSACTIONAL_ID = REQUEST.field("TransactionalId");
    static final Field ACKS = REQUEST.field("Acks");
    static final Field TIMEOUT_MS = REQUEST.field("TimeoutMs");
    static final Field TOPIC_DATA = REQUEST.field("TopicData");
    static final Field TOPIC_NAME = TOPIC_DATA.struct().field("Name");
    static final Field TOPIC_ID = TOPIC_DATA.struct().field("TopicId");
    static final Field PARTITION_DATA = TOPIC_DATA.struct().field("PartitionData");
    static final Field INDEX = PARTITION_DATA.struct().field("Index");
    static final Field RECORDS = PARTITION_DATA.struct().field("Records");

    static final Field RESPONSES = RESPONSE.field("Responses");
    static final Field RESPONSE_NAME = RESPONSES.struct().field("Name");
    static final Field RESPONSE_TOPIC_ID = RESPONSES.struct().field("TopicId");
    static final Field PARTITION_RESPONSES = RESPONSES.struct().field("PartitionResponses");
    static final Field RESPONSE_INDEX = PARTITION_RESPONSES.struct().field("Index");
    static final Field ERROR_CODE = PARTITION_RESPONSES.struct().field("ErrorCode");
    static final Field BASE_OFFSET = PARTITION_RESPONSES.struct().field("BaseOffset");
    static final Field LOG_APPEND_TIME_MS = PARTITION_RESPONSES.struct().field("LogAppendTimeMs");
    static final Field LOG_START_OFFSET = PARTITION_RESPONSES.struct().field("LogStartOffset");
    static final Field ERROR_MESSAGE = PARTITION_RESPONSES.struct().field("ErrorMessage");

    private ProduceFields() {
    }
}
