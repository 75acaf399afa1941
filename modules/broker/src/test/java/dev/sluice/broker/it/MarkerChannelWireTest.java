package dev.sluice.broker.it;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.metadata.BrokerNode;
import dev.sluice.broker.txn.NetworkMarkerChannel;
import dev.sluice.broker.txn.TxnMarker;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.sluice.broker.it.WireClient.error;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The coordinator's marker channel against a real leader: markers sent together (one request,
 * several producers) each get their own partitions' answers, and an unknown partition its error.
 */
class MarkerChannelWireTest {
    private static final String TOPIC = "marked";

    @TempDir
    Path dir;
    TestBroker broker;
    NetworkMarkerChannel channel;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start(dir, Map.of());
        try (WireClient client = new WireClient(broker.bootstrap())) {
            assertThat(error(client.call(ApiKey.CREATE_TOPICS, WireClient.CREATE_TOPICS_V,
                    WireClient.createTopics(TOPIC, 2)).getArray("Topics").get(0))).isEqualTo(Errors.NONE);
        }
        channel = new NetworkMarkerChannel(99, 10_000, "PLAINTEXT");
    }

    @AfterEach
    void stop() {
        channel.close();
        broker.close();
    }

    @Test
    void markersOfManyProducersAreAnsweredEachWithItsOwnPartitions() throws Exception {
        String[] hostPort = broker.bootstrap().split(":");
        BrokerNode leader = new BrokerNode(broker.nodeId(), hostPort[0], Integer.parseInt(hostPort[1]), null);
        List<CompletableFuture<Map<TopicPartition, Errors>>> answers = new ArrayList<>();
        for (int producer = 0; producer < 20; producer++) {
            Set<TopicPartition> partitions = producer % 2 == 0
                    ? Set.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1))
                    : Set.of(new TopicPartition(TOPIC, 1), new TopicPartition("missing", 0));
            answers.add(channel.send(leader, new TxnMarker(1000 + producer, (short) 0, producer % 3 == 0, 0, partitions)));
        }
        for (int producer = 0; producer < 20; producer++) {
            Map<TopicPartition, Errors> answer = answers.get(producer).get(20, TimeUnit.SECONDS);
            if (producer % 2 == 0) {
                assertThat(answer).containsOnly(Map.entry(new TopicPartition(TOPIC, 0), Errors.NONE),
                        Map.entry(new TopicPartition(TOPIC, 1), Errors.NONE));
            } else {
                assertThat(answer).containsOnly(Map.entry(new TopicPartition(TOPIC, 1), Errors.NONE),
                        Map.entry(new TopicPartition("missing", 0), Errors.UNKNOWN_TOPIC_OR_PARTITION));
            }
        }
    }
}
