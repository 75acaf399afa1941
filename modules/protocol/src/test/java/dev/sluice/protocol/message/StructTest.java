package dev.sluice.protocol.message;

import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.ProtocolException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The generic message value: defaults, typed access, conversions, and version rules on write. */
class StructTest {

    @Test
    void fieldsStartAtTheirSchemaDefaults() {
        Struct partition = ApiKey.FETCH.newResponse().addStruct("responses").addStruct("partitions");
        assertThat(partition.getLong("lastStableOffset")).isEqualTo(-1L);
        assertThat(partition.getInt("preferredReadReplica")).isEqualTo(-1);
        assertThat(partition.getInt("partitionIndex")).isZero();
        assertThat(partition.getRecords("records")).isNull();
        assertThat(partition.getArray("abortedTransactions")).isEmpty();
        assertThat(partition.getStruct("currentLeader").getInt("leaderEpoch")).isEqualTo(-1);

        Struct metadata = ApiKey.METADATA.newRequest();
        assertThat(metadata.getBool("allowAutoTopicCreation")).isTrue();
        Struct topic = metadata.addStruct("topics");
        assertThat(topic.getUuid("topicId")).isEqualTo(new UUID(0, 0));
        assertThat(ApiKey.FETCH.newResponse().getArray("nodeEndpoints")).isEmpty();
        assertThat(ApiKey.API_VERSIONS.newRequest().getString("clientSoftwareName")).isEmpty();
    }

    @Test
    void settersConvertNumbersToTheFieldWidthAndCheckRanges() {
        Struct partition = ApiKey.PRODUCE.newResponse().addStruct("responses").addStruct("partitionResponses");
        partition.set("errorCode", 3).set("baseOffset", 5).set("index", (short) 2);
        assertThat(partition.get("errorCode")).isEqualTo((short) 3);
        assertThat(partition.get("baseOffset")).isEqualTo(5L);
        assertThat(partition.getInt("index")).isEqualTo(2);
        assertThatThrownBy(() -> partition.set("errorCode", 70_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> partition.set("noSuchField", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no field 'noSuchField'");
        assertThatThrownBy(() -> partition.getInt("baseOffset"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("getLong");
        assertThatThrownBy(() -> partition.set("index", null)).isInstanceOf(IllegalArgumentException.class);
        // schema-case names work too, and a resolved Field skips the lookup
        Field index = partition.field("Index");
        assertThat(partition.getInt(index)).isEqualTo(2);
    }

    @Test
    void primitiveArraysAndBytesAreConverted() {
        Struct topic = ApiKey.METADATA.newResponse().addStruct("topics").addStruct("partitions");
        topic.set("replicaNodes", List.of(1, 2L, (short) 3));
        assertThat(topic.<Integer>getList("replicaNodes")).containsExactly(1, 2, 3);
        Struct protocol = ApiKey.JOIN_GROUP.newRequest().addStruct("protocols");
        protocol.set("metadata", new byte[] {9, 8});
        assertThat(protocol.getBytes("metadata")).isEqualTo(ByteBuffer.wrap(new byte[] {9, 8}));
        assertThatThrownBy(() -> protocol.set("metadata", "not bytes")).isInstanceOf(ClassCastException.class);
    }

    @Test
    void aNonIgnorableValueAVersionCannotCarryIsAnErrorAnIgnorableOneIsDropped() {
        MessageSchema schema = ApiKey.FETCH.responseSchema();
        Struct response = schema.newStruct().set("errorCode", 7); // ErrorCode: v7+, ignorable
        ByteBuffer v4 = MessageCodec.toByteBuffer(response, schema, (short) 4);
        assertThat(MessageCodec.read(schema, (short) 4, v4).getShort("errorCode")).isZero();

        response.set("sessionId", 12); // SessionId: v7+, not ignorable
        assertThatThrownBy(() -> MessageCodec.toByteBuffer(response, schema, (short) 4))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("SessionId");
        assertThat(MessageCodec.read(schema, (short) 7, MessageCodec.toByteBuffer(response, schema, (short) 7))
                .getInt("sessionId")).isEqualTo(12);
    }

    @Test
    void nullInANonNullableFieldIsAnErrorOnWrite() {
        MessageSchema schema = ApiKey.METADATA.requestSchema();
        Struct request = schema.newStruct();
        request.addStruct("topics").set("name", null); // Name: nullable only from v10
        assertThat(MessageCodec.read(schema, (short) 10, MessageCodec.toByteBuffer(request, schema, (short) 10))
                .getArray("topics").get(0).getString("name")).isNull();
        assertThatThrownBy(() -> MessageCodec.toByteBuffer(request, schema, (short) 9))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("not nullable in version 9");
    }

    @Test
    void taggedFieldsAreWrittenOnlyWhenNotDefaultAndUnknownTagsAreSkipped() {
        MessageSchema schema = ApiKey.FETCH.responseSchema();
        Struct response = schema.newStruct();
        Struct partition = response.addStruct("responses").addStruct("partitions");
        int plain = MessageCodec.toByteBuffer(response, schema, (short) 12).remaining();
        partition.getStruct("currentLeader").set("leaderId", 4).set("leaderEpoch", 9);
        ByteBuffer tagged = MessageCodec.toByteBuffer(response, schema, (short) 12);
        assertThat(tagged.remaining()).isGreaterThan(plain);
        Struct back = MessageCodec.read(schema, (short) 12, tagged);
        assertThat(back.getArray("responses").get(0).getArray("partitions").get(0)
                .getStruct("currentLeader").getInt("leaderId")).isEqualTo(4);
        assertThat(back).isEqualTo(response);

        // ResponseHeader v1 with an unknown tag 7 holding 2 bytes: skipped.
        ByteBuffer header = ByteBuffer.wrap(new byte[] {0, 0, 0, 5, 1, 7, 2, 42, 42});
        assertThat(MessageCodec.read(Schemas.get("ResponseHeader"), (short) 1, header).getInt("correlationId"))
                .isEqualTo(5);
    }

    @Test
    void aStructOfAnotherSchemaIsRejected() {
        Struct response = ApiKey.FETCH.newResponse();
        response.getArray("responses").add(ApiKey.METADATA.newResponse());
        assertThatThrownBy(() -> MessageCodec.toByteBuffer(response, ApiKey.FETCH.responseSchema(), (short) 12))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("expected FetchableTopicResponse");
        assertThatThrownBy(() -> MessageCodec.toByteBuffer(response, ApiKey.FETCH.requestSchema(), (short) 12))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
