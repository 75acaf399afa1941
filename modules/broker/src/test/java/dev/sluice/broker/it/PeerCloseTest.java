package dev.sluice.broker.it;

import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static dev.sluice.broker.it.WireClient.error;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that pipelines acks=0 produces and closes its socket at once (what a Kafka producer's
 * close() does after an acks=0 flush: the requests are on the wire, no answer is awaited) still gets
 * every request it completely sent appended: the peer's close ends reading, not the requests
 * already read. Kafka's broker processes such staged receives too.
 */
class PeerCloseTest {
    private static final String TOPIC = "peer-close";
    private static final int REQUESTS = 40;

    @TempDir
    Path dir;
    TestBroker broker;
    WireClient admin;

    @BeforeEach
    void start() throws IOException {
        broker = TestBroker.start(dir, Map.of());
        admin = new WireClient(broker.bootstrap());
        assertThat(error(admin.call(ApiKey.CREATE_TOPICS, WireClient.CREATE_TOPICS_V, WireClient.createTopics(TOPIC, 1))
                .getArray("Topics").get(0))).isEqualTo(Errors.NONE);
    }

    @AfterEach
    void stop() throws IOException {
        admin.close();
        broker.close();
    }

    private long logEnd() throws IOException {
        return WireClient.fetchPartition(admin.call(ApiKey.FETCH, WireClient.FETCH_V,
                WireClient.fetch(TOPIC, 0, 0, 1 << 20))).getLong("HighWatermark");
    }

    @Test
    void requestsFullySentBeforeThePeerClosedAreAllProcessed() throws Exception {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int i = 1; i <= REQUESTS; i++) {
            frames.write(WireClient.frame(ApiKey.PRODUCE, WireClient.PRODUCE_V, i,
                    WireClient.produce(TOPIC, 0, (short) 0, WireClient.idempotentBatch(-1, (short) -1, -1, 1))));
        }
        try (WireClient producer = new WireClient(broker.bootstrap())) {
            producer.sendRaw(frames.toByteArray()); // all of them in one write, then close without reading
        }
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (logEnd() < REQUESTS && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(logEnd()).as("records of the requests sent before the close").isEqualTo(REQUESTS);
    }
}
