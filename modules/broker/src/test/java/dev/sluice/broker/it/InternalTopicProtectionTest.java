package dev.sluice.broker.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.sluice.broker.it.GroupTestSupport.FAST_GROUPS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Clients can see {@code __consumer_offsets} but not delete it, grow it, reconfigure it or cut its records. */
class InternalTopicProtectionTest {
    private static final String OFFSETS = "__consumer_offsets";

    @TempDir
    Path dir;
    private TestBroker broker;
    private Admin admin;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start(dir, FAST_GROUPS);
        admin = KafkaClients.admin(broker.bootstrap());
    }

    @AfterEach
    void stop() {
        admin.close();
        broker.close();
    }

    private static void assertRefused(KafkaFuture<?> result, Class<? extends Throwable> error, String message) {
        assertThatThrownBy(() -> result.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(error).hasMessageContaining(message);
    }

    @Test
    void theOffsetsTopicIsListedAsInternal() throws Exception {
        assertThat(admin.listTopics().names().get(20, TimeUnit.SECONDS)).doesNotContain(OFFSETS);
        assertThat(admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(20, TimeUnit.SECONDS))
                .contains(OFFSETS);
        TopicDescription description = admin.describeTopics(List.of(OFFSETS)).allTopicNames().get(20, TimeUnit.SECONDS)
                .get(OFFSETS);
        assertThat(description.isInternal()).isTrue();
    }

    @Test
    void deletingGrowingReconfiguringOrTruncatingItIsRefusedAndItKeepsWorking() throws Exception {
        int partitions = admin.describeTopics(List.of(OFFSETS)).allTopicNames().get(20, TimeUnit.SECONDS)
                .get(OFFSETS).partitions().size();

        assertRefused(admin.deleteTopics(List.of(OFFSETS)).all(), InvalidRequestException.class,
                "Cannot delete internal topic");
        assertRefused(admin.createPartitions(Map.of(OFFSETS, NewPartitions.increaseTo(partitions + 3))).all(),
                InvalidRequestException.class, "Cannot add partitions to internal topic");
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, OFFSETS);
        assertRefused(admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
                        new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET)))).all(),
                InvalidRequestException.class, "Cannot alter the configuration of internal topic");
        assertRefused(admin.deleteRecords(Map.of(new TopicPartition(OFFSETS, 0), RecordsToDelete.beforeOffset(0))).all(),
                InvalidTopicException.class, "");

        TopicDescription after = admin.describeTopics(List.of(OFFSETS)).allTopicNames().get(20, TimeUnit.SECONDS).get(OFFSETS);
        assertThat(after.partitions()).hasSize(partitions);
        assertThat(admin.describeConfigs(List.of(topic)).all().get(20, TimeUnit.SECONDS).get(topic)
                .get("retention.ms").value()).isEqualTo("-1");
        // commits still land in it
        GroupTestSupport.createTopic(broker.bootstrap(), "anything", 1);
        Map<TopicPartition, OffsetAndMetadata> offsets = Map.of(new TopicPartition("anything", 0), new OffsetAndMetadata(5));
        admin.alterConsumerGroupOffsets("still-works", offsets).all().get(20, TimeUnit.SECONDS);
        assertThat(admin.listConsumerGroupOffsets("still-works").partitionsToOffsetAndMetadata()
                .get(20, TimeUnit.SECONDS)).isEqualTo(offsets);
    }
}
