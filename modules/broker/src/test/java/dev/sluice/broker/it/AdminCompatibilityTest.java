package dev.sluice.broker.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** kafka-clients' Admin against a Sluice broker: topic administration and configs. */
class AdminCompatibilityTest {
    @TempDir
    static Path dir;
    static TestBroker broker;
    static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dir, Map.of("auto.create.topics.enable", "false"));
        admin = KafkaClients.admin(broker.bootstrap());
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void createListDescribeDelete() throws Exception {
        admin.createTopics(List.of(new NewTopic("admin-a", 3, (short) 1),
                new NewTopic("admin-b", 1, (short) 1).configs(Map.of("retention.ms", "60000")))).all().get(20, TimeUnit.SECONDS);
        assertThat(admin.listTopics().names().get()).contains("admin-a", "admin-b");

        TopicDescription a = admin.describeTopics(List.of("admin-a")).allTopicNames().get().get("admin-a");
        assertThat(a.partitions()).hasSize(3);
        assertThat(a.topicId()).isNotNull();
        assertThat(a.partitions().get(0).leader().id()).isEqualTo(broker.nodeId());
        assertThat(a.partitions().get(2).isr()).extracting(n -> n.id()).containsExactly(broker.nodeId());

        admin.deleteTopics(List.of("admin-a")).all().get(20, TimeUnit.SECONDS);
        assertThat(admin.listTopics().names().get()).doesNotContain("admin-a").contains("admin-b");
    }

    @Test
    void createErrorsAreKafkaErrors() throws Exception {
        admin.createTopics(List.of(new NewTopic("admin-dup", 1, (short) 1))).all().get();
        assertCause(() -> admin.createTopics(List.of(new NewTopic("admin-dup", 1, (short) 1))).all().get(),
                TopicExistsException.class);
        assertCause(() -> admin.createTopics(List.of(new NewTopic("admin-rf", 1, (short) 3))).all().get(),
                InvalidReplicationFactorException.class);
        assertCause(() -> admin.createTopics(List.of(new NewTopic("bad/name", 1, (short) 1))).all().get(),
                InvalidTopicException.class);
        assertCause(() -> admin.createTopics(List.of(new NewTopic("admin-cfg", 1, (short) 1)
                .configs(Map.of("retention.ms", "soon"))))
                .all().get(), InvalidConfigurationException.class);
        assertCause(() -> admin.deleteTopics(List.of("admin-never")).all().get(), UnknownTopicOrPartitionException.class);
        assertThat(admin.listTopics().names().get()).doesNotContain("admin-rf", "admin-cfg");
    }

    @Test
    void oneRequestMayNotAddMoreThanTenThousandPartitions() throws Exception {
        // found by BrokerFuzzTest: a CreateTopics with a huge NumPartitions made the broker create partitions without end
        assertCause(() -> admin.createTopics(List.of(new NewTopic("admin-huge", Integer.MAX_VALUE, (short) 1))).all().get(),
                PolicyViolationException.class);
        assertCause(() -> admin.createTopics(List.of(new NewTopic("admin-many-a", 6_000, (short) 1),
                new NewTopic("admin-many-b", 4_001, (short) 1))).all().get(), PolicyViolationException.class);
        assertThat(admin.listTopics().names().get()).doesNotContain("admin-huge", "admin-many-a", "admin-many-b");

        admin.createTopics(List.of(new NewTopic("admin-small", 1, (short) 1))).all().get();
        assertCause(() -> admin.createPartitions(Map.of("admin-small", NewPartitions.increaseTo(10_002))).all().get(),
                PolicyViolationException.class);
        assertThat(admin.describeTopics(List.of("admin-small")).allTopicNames().get().get("admin-small").partitions()).hasSize(1);
    }

    @Test
    void validateOnlyCreatesNothing() throws Exception {
        admin.createTopics(List.of(new NewTopic("admin-dry", 2, (short) 1)), new CreateTopicsOptions().validateOnly(true))
                .all().get();
        assertThat(admin.listTopics().names().get()).doesNotContain("admin-dry");
    }

    @Test
    void createPartitionsGrowsTheTopic() throws Exception {
        admin.createTopics(List.of(new NewTopic("admin-grow", 1, (short) 1))).all().get();
        admin.createPartitions(Map.of("admin-grow", NewPartitions.increaseTo(4))).all().get();
        assertThat(admin.describeTopics(List.of("admin-grow")).allTopicNames().get().get("admin-grow").partitions()).hasSize(4);
        assertCause(() -> admin.createPartitions(Map.of("admin-grow", NewPartitions.increaseTo(2))).all().get(),
                InvalidPartitionsException.class);
    }

    @Test
    void topicConfigsAreDescribedAndAltered() throws Exception {
        admin.createTopics(List.of(new NewTopic("admin-cfgs", 1, (short) 1)
                .configs(Map.of("cleanup.policy", "delete", "message.timestamp.type", "LogAppendTime")))).all().get();
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "admin-cfgs");
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        assertThat(config.get("message.timestamp.type").value()).isEqualTo("LogAppendTime");
        assertThat(config.get("message.timestamp.type").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(config.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(config.get("segment.bytes")).isNotNull();

        admin.incrementalAlterConfigs(Map.of(resource, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", "12345"), AlterConfigOp.OpType.SET)))).all().get();
        Config altered = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        assertThat(altered.get("retention.ms").value()).isEqualTo("12345");
        assertThat(altered.get("message.timestamp.type").value()).isEqualTo("LogAppendTime");
    }

    @Test
    void brokerConfigsAndClusterAreDescribed() throws Exception {
        DescribeClusterResult cluster = admin.describeCluster();
        assertThat(cluster.nodes().get()).extracting(n -> n.id()).containsExactly(broker.nodeId());
        assertThat(cluster.clusterId().get()).isNotBlank();
        assertThat(cluster.controller().get().id()).isEqualTo(broker.nodeId());

        ConfigResource node = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(broker.nodeId()));
        Config config = admin.describeConfigs(List.of(node)).all().get().get(node);
        assertThat(config.get("auto.create.topics.enable").value()).isEqualTo("false");
        // the limits of issue 19 are visible to operators
        assertThat(config.get("max.broker.partitions").value()).isEqualTo("10000");
        assertThat(Long.parseLong(config.get("queued.max.request.bytes").value())).isPositive();
        assertThat(config.get("socket.request.receive.timeout.ms").value()).isEqualTo("30000");
    }

    @Test
    void deleteRecordsMovesTheLogStart() throws Exception {
        admin.createTopics(List.of(new NewTopic("admin-trim", 1, (short) 1))).all().get();
        try (var producer = KafkaClients.producer(broker.bootstrap(), Map.of())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("admin-trim", new byte[]{(byte) i})).get();
            }
        }
        TopicPartition tp = new TopicPartition("admin-trim", 0);
        long low = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(4))).lowWatermarks().get(tp).get().lowWatermark();
        assertThat(low).isEqualTo(4L);
        assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).all().get().get(tp).offset()).isEqualTo(4L);
        assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset()).isEqualTo(10L);
    }

    private static void assertCause(ThrowingCall call, Class<? extends Throwable> type) {
        assertThatThrownBy(call::run).isInstanceOf(ExecutionException.class).cause().isInstanceOf(type);
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws Exception;
    }
}
