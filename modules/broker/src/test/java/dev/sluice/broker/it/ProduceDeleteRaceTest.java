package dev.sluice.broker.it;

import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static dev.sluice.broker.it.WireClient.error;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * #19.8: produce racing DeleteTopics. Every produce is answered, NONE or UNKNOWN_TOPIC_OR_PARTITION
 * for the partition (never an exception in the handler nor a closed connection), and once the
 * topic is deleted for good no segment file comes back in its directory.
 */
class ProduceDeleteRaceTest {
    private static final String TOPIC = "race";

    @TempDir
    Path dir;

    @Test
    void produceRacingDeleteAnswersUnknownPartitionAndKeepsTheConnection() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, Map.of()); WireClient client = new WireClient(broker.bootstrap())) {
            PartitionManager partitions = broker.broker().partitions();
            partitions.createTopic(TOPIC, 1, (short) 1, Map.of(), false);
            CompletableFuture<Void> churn = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 60; i++) {
                    partitions.deleteTopic(TOPIC);
                    partitions.createTopic(TOPIC, 1, (short) 1, Map.of(), false);
                }
                partitions.deleteTopic(TOPIC);
            });
            Set<Errors> seen = EnumSet.noneOf(Errors.class);
            int answered = 0;
            while (!churn.isDone() || answered < 20) {
                Struct response = client.call(ApiKey.PRODUCE, WireClient.PRODUCE_V,
                        WireClient.produce(TOPIC, 0, (short) 1, WireClient.idempotentBatch(-1, (short) -1, -1, 3)));
                seen.add(error(WireClient.producePartition(response)));
                answered++;
            }
            churn.get();
            assertThat(seen).isSubsetOf(Errors.NONE, Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(error(client.call(ApiKey.API_VERSIONS, WireClient.API_VERSIONS_V, WireClient.apiVersions())))
                    .isEqualTo(Errors.NONE);
            assertThat(Files.exists(dir.resolve("data").resolve(TOPIC + "-0"))).as("no log resurrected").isFalse();
        }
    }
}
