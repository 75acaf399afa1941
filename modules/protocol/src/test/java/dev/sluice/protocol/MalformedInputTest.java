package dev.sluice.protocol;

import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Bad bytes fail with a {@link ProtocolException} (never an underflow, a negative-size array or an
 * OutOfMemoryError): truncation at every offset, corrupted lengths everywhere, unknown API keys and
 * versions.
 */
class MalformedInputTest {

    /** A Kafka-framed request (without size prefix) for every API at its oldest and latest version. */
    private static List<ByteBuffer> sampleFrames() throws Exception {
        List<ByteBuffer> frames = new ArrayList<>();
        for (ApiKey api : ApiKey.clientApis()) {
            for (short v : new short[] {api.oldestVersion(), api.latestVersion()}) {
                ApiMessage body = (ApiMessage) new KafkaMessages(api.id() + v).populate(
                        KafkaMessages.dataClass(api.requestSchema()), api.requestSchema().struct(), v, 0);
                RequestHeaderData header = new RequestHeaderData().setRequestApiKey(api.id())
                        .setRequestApiVersion(v).setCorrelationId(5).setClientId("c");
                frames.add(RequestUtils.serialize(header, ApiKeys.forId(api.id()).requestHeaderVersion(v), body, v));
            }
        }
        return frames;
    }

    @Test
    void truncationAtEveryByteOffsetIsAProtocolException() throws Exception {
        int checked = 0;
        for (ByteBuffer frame : sampleFrames()) {
            RequestParser.parse(frame.duplicate()); // the whole frame parses
            for (int cut = 0; cut < frame.remaining(); cut++) {
                ByteBuffer truncated = frame.duplicate().limit(cut);
                Throwable t = catchThrowable(() -> RequestParser.parse(truncated));
                assertThat(t).as("cut at %d of %d", cut, frame.remaining()).isInstanceOf(ProtocolException.class);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(1000);
    }

    @Test
    void corruptedLengthsAnywhereAreRejectedWithoutHugeAllocations() throws Exception {
        byte[][] patterns = {
            {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff},               // int32 / int16 max
            {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xfe},        // -2
            {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07},  // varint 2^32-1
            {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01}, // varint too long
        };
        for (ByteBuffer frame : sampleFrames()) {
            for (byte[] pattern : patterns) {
                for (int at = 4; at + pattern.length <= frame.remaining(); at++) {
                    ByteBuffer corrupt = ByteBuffer.allocate(frame.remaining()).put(frame.duplicate()).flip();
                    corrupt.put(at, pattern);
                    Throwable t = catchThrowable(() -> RequestParser.parse(corrupt));
                    if (t != null) {
                        assertThat(t).as("pattern at %d", at).isInstanceOf(ProtocolException.class);
                    }
                }
            }
        }
    }

    @Test
    void hugeDeclaredLengthsNameTheFieldAndTheBytesLeft() {
        // Produce v3: transactionalId (nullable string), acks, timeout, then the topic array count.
        ByteBuffer frame = ByteBuffer.allocate(64);
        frame.putShort((short) 0).putShort((short) 3).putInt(1).putShort((short) -1); // header v1, clientId null
        frame.putShort((short) -1).putShort((short) 1).putInt(1000);
        frame.putInt(Integer.MAX_VALUE); // topics: 2^31-1 elements declared
        frame.flip();
        assertThatThrownBy(() -> RequestParser.parse(frame))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("TopicData")
                .hasMessageContaining("exceeds")
                .satisfies(e -> assertThat(((ProtocolException) e).header().correlationId()).isEqualTo(1))
                .satisfies(e -> assertThat(((ProtocolException) e).error()).isEqualTo(Errors.INVALID_REQUEST));

        ByteBuffer longString = ByteBuffer.allocate(16);
        longString.putShort((short) 3).putShort((short) 0).putInt(9).putShort(Short.MAX_VALUE).put((byte) 'x').flip();
        assertThatThrownBy(() -> RequestParser.parse(longString))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("length 32767 exceeds the 1 bytes left");
    }

    @Test
    void nullWhereTheSchemaForbidsItIsRejected() {
        // Metadata v1 topic names are not nullable: name length -1
        ByteBuffer frame = ByteBuffer.allocate(32);
        frame.putShort((short) 3).putShort((short) 1).putInt(1).putShort((short) -1);
        frame.putInt(1).putShort((short) -1).flip();
        assertThatThrownBy(() -> RequestParser.parse(frame))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("negative length -1");
    }

    @Test
    void unknownApiKeyCarriesTheHeader() {
        ByteBuffer frame = ByteBuffer.allocate(32);
        // 58 (Envelope, KRaft's forwarding between controllers) is a Kafka API Sluice does not implement
        frame.putShort((short) 58).putShort((short) 7).putInt(77).putShort((short) 2).put("id".getBytes()).flip();
        assertThatThrownBy(() -> RequestParser.parse(frame))
                .isInstanceOf(UnsupportedVersionException.class)
                .hasMessageContaining("unknown API key 58")
                .satisfies(e -> {
                    UnsupportedVersionException u = (UnsupportedVersionException) e;
                    assertThat(u.header()).isEqualTo(new RequestHeader((short) 58, (short) 7, 77, "id"));
                    assertThat(u.error()).isEqualTo(Errors.UNSUPPORTED_VERSION);
                });
        ByteBuffer negative = ByteBuffer.allocate(16).putShort((short) -3).putShort((short) 0).putInt(1)
                .putShort((short) -1).flip();
        assertThatThrownBy(() -> RequestParser.parse(negative)).isInstanceOf(UnsupportedVersionException.class);
    }

    @Test
    void unsupportedVersionStillYieldsCorrelationIdAndClientId() {
        // A future ApiVersions v9 from a new client: header v2 (flexible) but the v1 prefix is readable.
        ByteBuffer frame = ByteBuffer.allocate(32);
        frame.putShort((short) 18).putShort((short) 9).putInt(123).putShort((short) 3).put("cli".getBytes())
                .put((byte) 0).put((byte) 4).put("abc".getBytes()).flip();
        assertThatThrownBy(() -> RequestParser.parse(frame))
                .isInstanceOf(UnsupportedVersionException.class)
                .hasMessageContaining("ApiVersions v9 is not supported")
                .satisfies(e -> assertThat(((UnsupportedVersionException) e).header())
                        .isEqualTo(new RequestHeader(ApiKey.API_VERSIONS, (short) 9, 123, "cli")));

        ByteBuffer tooOld = ByteBuffer.allocate(16).putShort((short) 1).putShort((short) 3).putInt(1)
                .putShort((short) -1).flip(); // Fetch v3 was removed in Kafka 4
        assertThatThrownBy(() -> RequestParser.parse(tooOld)).isInstanceOf(UnsupportedVersionException.class);
    }

    @Test
    void framesShorterThanAHeaderPrefixAreRejected() {
        assertThatThrownBy(() -> RequestParser.parse(ByteBuffer.allocate(3)))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("shorter than a header");
    }
}
