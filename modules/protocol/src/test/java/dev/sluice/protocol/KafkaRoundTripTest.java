package dev.sluice.protocol;

import dev.sluice.protocol.message.MessageCodec;
import dev.sluice.protocol.message.MessageSchema;
import dev.sluice.protocol.message.Schemas;
import dev.sluice.protocol.message.Struct;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Readable;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every bundled message, request and response, at every valid version: Kafka serializes a randomly
 * populated message, we parse it (and check each field against Kafka's object), write it back, and
 * the bytes must be identical; Kafka then reads our bytes back into an equal message.
 */
class KafkaRoundTripTest {
    private static final int SEEDS = 4;

    static List<MessageSchema> bundledSchemas() {
        List<MessageSchema> all = new ArrayList<>();
        for (ApiKey api : ApiKey.clientApis()) {
            all.add(api.requestSchema());
            all.add(api.responseSchema());
        }
        all.add(Schemas.get("RequestHeader"));
        all.add(Schemas.get("ResponseHeader"));
        return all;
    }

    @TestFactory
    Stream<DynamicTest> everyMessageAtEveryVersionRoundTripsByteForByte() {
        List<DynamicTest> tests = new ArrayList<>();
        for (MessageSchema schema : bundledSchemas()) {
            for (short v = schema.validVersions().lowest(); v <= schema.validVersions().highest(); v++) {
                for (int seed = 0; seed < SEEDS; seed++) {
                    short version = v;
                    long s = seed * 7919L + v * 31L + schema.name().hashCode();
                    tests.add(DynamicTest.dynamicTest(schema.name() + " v" + v + " seed " + seed,
                            () -> roundTrip(schema, version, s)));
                }
            }
        }
        return tests.stream();
    }

    static void roundTrip(MessageSchema schema, short version, long seed) throws Exception {
        Class<?> dataClass = KafkaMessages.dataClass(schema);
        ApiMessage kafka = (ApiMessage) new KafkaMessages(seed).populate(dataClass, schema.struct(), version, 0);
        ByteBuffer kafkaBytes = KafkaMessages.serialize(kafka, version);

        Struct parsed = MessageCodec.read(schema, version, kafkaBytes.duplicate());
        KafkaMessages.assertSame(parsed, kafka, version, schema.name());

        ByteBuffer ours = MessageCodec.toByteBuffer(parsed, schema, version);
        assertThat(ours).as("bytes written back").isEqualTo(kafkaBytes);

        Object back = dataClass.getConstructor(Readable.class, short.class)
                .newInstance(new ByteBufferAccessor(ours.duplicate()), version);
        assertThat(back).isEqualTo(kafka);
    }
}
