package dev.sluice.protocol;

import dev.sluice.protocol.message.MessageCodec;
import dev.sluice.protocol.message.Struct;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole frames against kafka-clients, for every API at every version: requests framed by Kafka
 * parse with {@link RequestParser}; requests from {@link RequestWriter} and responses from
 * {@link ResponseWriter} parse with Kafka's own header and body parsers (which pick the header
 * versions independently of us, including ApiVersions' v0 response header).
 */
class FramingTest {

    @TestFactory
    Stream<DynamicTest> everyApiVersionFramesLikeKafka() {
        List<DynamicTest> tests = new ArrayList<>();
        for (ApiKey api : ApiKey.clientApis()) {
            for (short v = api.oldestVersion(); v <= api.latestVersion(); v++) {
                short version = v;
                tests.add(DynamicTest.dynamicTest(api + " v" + v, () -> frames(api, version)));
            }
        }
        return tests.stream();
    }

    private static void frames(ApiKey api, short version) throws Exception {
        long seed = api.id() * 100L + version;
        KafkaMessages random = new KafkaMessages(seed);
        ApiKeys kafkaApi = ApiKeys.forId(api.id());
        short headerVersion = kafkaApi.requestHeaderVersion(version);
        RequestHeaderData headerData = new RequestHeaderData()
                .setRequestApiKey(api.id()).setRequestApiVersion(version)
                .setCorrelationId((int) seed * 7).setClientId(version % 2 == 0 ? null : "client-ü");

        // Kafka frames a request; we parse it.
        ApiMessage requestData = (ApiMessage) random.populate(
                KafkaMessages.dataClass(api.requestSchema()), api.requestSchema().struct(), version, 0);
        ByteBuffer kafkaFrame = RequestUtils.serialize(headerData, headerVersion, requestData, version);
        Request request = RequestParser.parse(kafkaFrame.duplicate());
        assertThat(request.header()).isEqualTo(
                new RequestHeader(api, version, headerData.correlationId(), headerData.clientId()));
        KafkaMessages.assertSame(request.body(), requestData, version, api + " request");

        // We frame it again: same bytes, and Kafka parses it.
        ByteBuffer ourFrame = withoutSizePrefix(SendBytes.of(RequestWriter.write(request.header(), request.body())));
        assertThat(ourFrame).isEqualTo(kafkaFrame);
        org.apache.kafka.common.requests.RequestHeader kafkaHeader =
                org.apache.kafka.common.requests.RequestHeader.parse(ourFrame);
        assertThat(kafkaHeader.correlationId()).isEqualTo(headerData.correlationId());
        int bodyStart = ourFrame.position();
        // (compared with Kafka's parse of its own frame: some parsers normalize, e.g. JoinGroup v0 timeouts)
        assertThat(AbstractRequest.parseRequest(kafkaApi, version, new ByteBufferAccessor(ourFrame)).request.data())
                .isEqualTo(AbstractRequest.parseRequest(kafkaApi, version,
                        new ByteBufferAccessor(kafkaFrame.duplicate().position(bodyStart))).request.data());

        // A response written by us parses with Kafka, correlated to the request header.
        ApiMessage responseData = (ApiMessage) random.populate(
                KafkaMessages.dataClass(api.responseSchema()), api.responseSchema().struct(), version, 0);
        Struct response = MessageCodec.read(api.responseSchema(), version,
                KafkaMessages.serialize(responseData, version));
        ByteBuffer responseFrame = withoutSizePrefix(SendBytes.of(ResponseWriter.write(request.header(), response)));
        AbstractResponse parsed = AbstractResponse.parseResponse(responseFrame,
                new org.apache.kafka.common.requests.RequestHeader(headerData, headerVersion));
        assertThat(parsed.data()).isEqualTo(responseData);
    }

    /** Checks the int32 size prefix against the frame and strips it. */
    static ByteBuffer withoutSizePrefix(ByteBuffer wire) {
        int size = wire.getInt();
        assertThat(size).as("size prefix").isEqualTo(wire.remaining());
        return wire.slice();
    }

    @Test
    void apiVersionsAnswersWithResponseHeaderV0EvenWhenFlexible() throws Exception {
        Struct body = ApiKey.API_VERSIONS.newResponse();
        ByteBuffer frame = withoutSizePrefix(SendBytes.of(ResponseWriter.write(ApiKey.API_VERSIONS, (short) 3, 42, body)));
        assertThat(frame.getInt()).isEqualTo(42);
        // v0 header has no tagged-field byte: the body (error code int16 = 0) follows directly
        assertThat(frame.getShort()).isEqualTo((short) 0);
        assertThat(ApiKey.METADATA.responseHeaderVersion((short) 9)).isEqualTo((short) 1);
        assertThat(ApiKey.METADATA.responseHeaderVersion((short) 8)).isEqualTo((short) 0);
        assertThat(ApiKey.API_VERSIONS.requestHeaderVersion((short) 3)).isEqualTo((short) 2);
        assertThat(ApiKey.API_VERSIONS.requestHeaderVersion((short) 2)).isEqualTo((short) 1);
    }

    @Test
    void resumesWhenTheChannelTakesAFewBytesAtATime() throws Exception {
        Struct body = ApiKey.METADATA.newResponse();
        body.addStruct("brokers").set("nodeId", 1).set("host", "localhost").set("port", 9092);
        Send send = ResponseWriter.write(ApiKey.METADATA, (short) 12, 7, body);
        ByteBuffer expected = SendBytes.of(ResponseWriter.write(ApiKey.METADATA, (short) 12, 7, body));

        SendBytes slow = new SendBytes(3);
        int calls = 0;
        while (!send.writeTo(slow)) {
            calls++;
        }
        assertThat(calls).isGreaterThan(5);
        assertThat(send.completed()).isTrue();
        assertThat(slow.bytes()).isEqualTo(expected);
    }
}
