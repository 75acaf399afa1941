package dev.sluice.broker.it;

import dev.sluice.api.cluster.TopicAssignment;
import dev.sluice.broker.Broker;
import dev.sluice.broker.testing.InProcessCluster;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.sluice.broker.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Topic auto-creation in a cluster (a Metadata request naming an unknown topic): the topic is placed
 * over the live brokers with {@code num.partitions} and {@code default.replication.factor} and written
 * to the cluster metadata store, the controller elects its leaders and a kafka-clients producer
 * writes to it; a replication factor above the live brokers is refused as Kafka does.
 */
class AutoCreateInClusterTest {
    @TempDir
    Path dir;
    private InProcessCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void startTwo(Map<String, String> settings) throws Exception {
        cluster = new InProcessCluster(dir);
        cluster.start(1, settings);
        cluster.start(2, settings);
        await("two brokers", () -> cluster.store().liveBrokers().size(), n -> n == 2);
        cluster.controller();
    }

    @Test
    void anUnknownTopicIsCreatedInTheClusterWithTheBrokersDefaults() throws Exception {
        startTwo(Map.of("num.partitions", "3", "default.replication.factor", "2"));
        Broker any = cluster.broker(2);

        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(any.bootstrapServers(), Map.of("acks", "1"))) {
            RecordMetadata written = producer.send(new ProducerRecord<>("made-on-demand", 1, null, new byte[] {1}))
                    .get(20, TimeUnit.SECONDS);
            assertThat(written.offset()).isZero();
        }

        TopicAssignment assigned = cluster.store().topic("made-on-demand").orElseThrow().value();
        assertThat(assigned.partitionCount()).isEqualTo(3);
        assertThat(assigned.replicas().values()).allSatisfy(r -> assertThat(r).containsExactlyInAnyOrder(1, 2));
        for (Broker b : cluster.brokers()) {
            await("broker " + b.config().nodeId() + " knows the topic's leaders", () -> b.metadataCache().snapshot()
                    .topic("made-on-demand").map(t -> t.partitions().stream().filter(p -> p.leader() >= 0).count()).orElse(0L),
                    n -> n == 3);
        }
    }

    @Test
    void aReplicationFactorAboveTheLiveBrokersIsRefusedAndNothingIsCreated() throws Exception {
        startTwo(Map.of("default.replication.factor", "3"));
        try (WireClient client = new WireClient(cluster.broker(1).bootstrapServers())) {
            Struct request = ApiKey.METADATA.newRequest().set("AllowAutoTopicCreation", true);
            request.addStruct("Topics").set("Name", "too-wide");
            Struct topic = client.call(ApiKey.METADATA, WireClient.METADATA_V, request).getArray("Topics").get(0);
            assertThat(Errors.forCode(topic.getShort("ErrorCode"))).isEqualTo(Errors.INVALID_REPLICATION_FACTOR);

            request = ApiKey.METADATA.newRequest().set("AllowAutoTopicCreation", false);
            request.addStruct("Topics").set("Name", "not-asked");
            topic = client.call(ApiKey.METADATA, WireClient.METADATA_V, request).getArray("Topics").get(0);
            assertThat(Errors.forCode(topic.getShort("ErrorCode"))).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        assertThat(cluster.store().topicNames()).doesNotContain("too-wide", "not-asked");
        assertThat(cluster.broker(1).partitions().topics().get("too-wide")).isEmpty();
    }
}
