package dev.sluice.broker.it;

import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The version ranges the broker advertises, and what happens outside them. */
class ApiVersionsWireTest {
    @TempDir
    Path dir;
    TestBroker broker;

    @BeforeEach
    void start() throws IOException {
        broker = TestBroker.start(dir, Map.of());
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void produceIsListedFromVersionZeroAsKafka4DoesButOnlyV3AndUpAreAnswered() throws IOException {
        try (WireClient client = new WireClient(broker.bootstrap())) {
            Struct response = client.call(ApiKey.API_VERSIONS, WireClient.API_VERSIONS_V, WireClient.apiVersions());
            assertThat(WireClient.error(response)).isEqualTo(Errors.NONE);
            Struct produce = response.getArray("ApiKeys").stream().filter(k -> k.getShort("ApiKey") == ApiKey.PRODUCE.id())
                    .findFirst().orElseThrow();
            // librdkafka compresses with gzip, snappy and lz4 only when Produce v0 is listed
            assertThat(produce.getShort("MinVersion")).isZero();
            assertThat(produce.getShort("MaxVersion")).isGreaterThanOrEqualTo((short) 9);
            Struct fetch = response.getArray("ApiKeys").stream().filter(k -> k.getShort("ApiKey") == ApiKey.FETCH.id())
                    .findFirst().orElseThrow();
            assertThat(fetch.getShort("MinVersion")).isEqualTo(ApiKey.FETCH.oldestVersion());
        }
        // a Produce v2 request (header: api key 0, version 2) is not read: the connection is closed
        try (WireClient client = new WireClient(broker.bootstrap())) {
            byte[] clientId = "old".getBytes();
            java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(4 + 2 + 2 + 4 + 2 + clientId.length + 2 + 4 + 4);
            frame.putInt(frame.capacity() - 4).putShort((short) 0).putShort((short) 2).putInt(7)
                    .putShort((short) clientId.length).put(clientId).putShort((short) 1).putInt(1000).putInt(0);
            client.sendRaw(frame.array());
            assertThatThrownBy(client::receiveFrame).isInstanceOfAny(EOFException.class, SocketException.class);
        }
        // and the broker still answers
        try (WireClient client = new WireClient(broker.bootstrap())) {
            assertThat(WireClient.error(client.call(ApiKey.API_VERSIONS, WireClient.API_VERSIONS_V, WireClient.apiVersions())))
                    .isEqualTo(Errors.NONE);
        }
    }

    @Test
    void v3WithAnEmptyOrMalformedClientSoftwareNameOrVersionIsAnInvalidRequestAsInKafka() throws IOException {
        // Kafka's ApiVersionsRequest.isValid: both fields must match [a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?
        String[][] invalid = {{"", "1.0"}, {"sluice-test", ""}, {"bad name", "1.0"}, {"-dash", "1.0"},
                {"name", "1.0."}, {"n\u00e4me", "1.0"}};
        for (String[] nameAndVersion : invalid) {
            try (WireClient client = new WireClient(broker.bootstrap())) {
                Struct request = WireClient.apiVersions().set("ClientSoftwareName", nameAndVersion[0])
                        .set("ClientSoftwareVersion", nameAndVersion[1]);
                Struct response = client.call(ApiKey.API_VERSIONS, (short) 3, request);
                assertThat(WireClient.error(response)).as("name '%s' version '%s'", nameAndVersion[0], nameAndVersion[1])
                        .isEqualTo(Errors.INVALID_REQUEST);
                assertThat(response.getArray("ApiKeys")).isEmpty();
            }
        }
        try (WireClient client = new WireClient(broker.bootstrap())) {
            Struct ok = WireClient.apiVersions().set("ClientSoftwareName", "a").set("ClientSoftwareVersion", "4.1.1-rc.2");
            assertThat(WireClient.error(client.call(ApiKey.API_VERSIONS, (short) 3, ok))).isEqualTo(Errors.NONE);
            // v0-2 carry no software name: nothing to validate
            assertThat(WireClient.error(client.call(ApiKey.API_VERSIONS, (short) 2, ApiKey.API_VERSIONS.newRequest())))
                    .isEqualTo(Errors.NONE);
        }
    }
}
