package dev.sluice.broker.it;

import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 19.3: one Metadata request with thousands of unknown names must not create topics until
 * the broker runs out of file descriptors. Auto-creation is capped per request, and every way of
 * creating partitions counts against {@code max.broker.partitions}.
 */
class TopicLimitsWireTest {
    @TempDir
    Path dir;
    TestBroker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static Struct autoCreatingMetadata(List<String> topics) {
        Struct request = WireClient.metadata(topics.toArray(String[]::new)).set("AllowAutoTopicCreation", true);
        return request;
    }

    private static List<String> names(String prefix, int count) {
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
    }

    @Test
    void oneMetadataRequestAutoCreatesAtMostAThousandPartitionsAndTheRestLaterRequests() throws IOException {
        broker = TestBroker.start(dir, Map.of("num.partitions", "100"));
        // one request creating 1,000 partitions (their files) takes seconds, tens of them on a loaded machine
        try (WireClient client = new WireClient(broker.bootstrap(), 90_000)) {
            // one topic past the cap is enough to see it (every partition created costs files: keep the count low)
            List<String> wanted = names("auto-", 11);
            Struct response = client.call(ApiKey.METADATA, WireClient.METADATA_V, autoCreatingMetadata(wanted));
            List<Struct> topics = response.getArray("Topics");
            assertThat(topics).hasSize(11);
            long created = topics.stream().filter(t -> t.getShort("ErrorCode") == Errors.NONE.code()).count();
            assertThat(created).as("1,000 partitions of 100 each").isEqualTo(10);
            assertThat(topics.get(10).getShort("ErrorCode")).as("retriable: not created yet")
                    .isEqualTo(Errors.LEADER_NOT_AVAILABLE.code());
            assertThat(broker.broker().partitions().topics().get("auto-10")).isEmpty();

            Struct again = client.call(ApiKey.METADATA, WireClient.METADATA_V, autoCreatingMetadata(wanted));
            assertThat(again.getArray("Topics")).allSatisfy(t -> assertThat(t.getShort("ErrorCode"))
                    .isEqualTo(Errors.NONE.code()));
        }
    }

    @Test
    void partitionsBeyondMaxBrokerPartitionsAreRefusedByEveryPath() throws IOException {
        // __consumer_offsets takes 5 of the 20
        broker = TestBroker.start(dir, Map.of("max.broker.partitions", "20", "num.partitions", "4"));
        try (WireClient client = new WireClient(broker.bootstrap())) {
            Struct created = client.call(ApiKey.CREATE_TOPICS, WireClient.CREATE_TOPICS_V, WireClient.createTopics("big", 16));
            Struct big = created.getArray("Topics").get(0);
            assertThat(big.getShort("ErrorCode")).isEqualTo(Errors.POLICY_VIOLATION.code());
            assertThat(big.getString("ErrorMessage")).contains("max.broker.partitions (20)");

            Struct ok = client.call(ApiKey.CREATE_TOPICS, WireClient.CREATE_TOPICS_V, WireClient.createTopics("ok", 8));
            assertThat(ok.getArray("Topics").get(0).getShort("ErrorCode")).isEqualTo(Errors.NONE.code());

            Struct grow = ApiKey.CREATE_PARTITIONS.newRequest().set("TimeoutMs", 5000).set("ValidateOnly", false);
            grow.addStruct("Topics").set("Name", "ok").set("Count", 16).set("Assignments", null);
            Struct grown = client.call(ApiKey.CREATE_PARTITIONS, (short) 3, grow);
            assertThat(grown.getArray("Results").get(0).getShort("ErrorCode")).isEqualTo(Errors.POLICY_VIOLATION.code());

            // 13 of 20 used: one more topic of 4 fits, a second does not
            Struct meta = client.call(ApiKey.METADATA, WireClient.METADATA_V, autoCreatingMetadata(List.of("a1", "a2")));
            assertThat(meta.getArray("Topics")).extracting(t -> t.getShort("ErrorCode"))
                    .containsExactly(Errors.NONE.code(), Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            assertThat(broker.broker().partitions().all()).hasSize(17);
        }
    }
}
