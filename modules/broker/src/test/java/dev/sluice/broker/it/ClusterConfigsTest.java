package dev.sluice.broker.it;

import dev.sluice.api.cluster.ConfigEntity;
import dev.sluice.broker.Broker;
import dev.sluice.broker.testing.InProcessCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static dev.sluice.broker.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Topic configs in a cluster (three brokers on one in-process metadata store, the code path of
 * ZooKeeper): CreateTopics with configs writes them with the topic, AlterConfigs and
 * IncrementalAlterConfigs (SET, DELETE) on any broker write the store, every broker takes the change in (its
 * DescribeConfigs shows it, the partitions it hosts apply it), and a broker that was down picks up
 * what changed meanwhile when it starts. Dynamic broker configs ({@code /config/brokers/<id>} and
 * {@code <default>}) are applied by the brokers they concern.
 */
class ClusterConfigsTest {
    @TempDir
    Path dir;
    private InProcessCluster cluster;

    @BeforeEach
    void cluster() {
        cluster = new InProcessCluster(dir);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private static Config describe(Admin admin, String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            return admin.describeConfigs(List.of(resource)).all().get().get(resource);
        } catch (Exception e) {
            return null;
        }
    }

    private static String value(Config config, String name) {
        return config == null || config.get(name) == null ? null : config.get(name).value();
    }

    private static TopicDescription ledEverywhere(Admin admin, String topic, int partitions) throws InterruptedException {
        return await("every partition of " + topic + " led", () -> {
            try {
                return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            } catch (Exception e) {
                return null;
            }
        }, d -> d != null && d.partitions().size() == partitions
                && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
    }

    @Test
    void topicConfigsAreWrittenToTheStoreAndAppliedByEveryBrokerHostingTheTopic() throws Exception {
        Broker one = cluster.start(1);
        Broker two = cluster.start(2);
        Broker three = cluster.start(3);
        try (Admin admin1 = KafkaClients.admin(one.bootstrapServers());
             Admin admin2 = KafkaClients.admin(two.bootstrapServers());
             Admin admin3 = KafkaClients.admin(three.bootstrapServers())) {
            await("three brokers", () -> {
                try {
                    return admin1.describeCluster().nodes().get().size();
                } catch (Exception e) {
                    return 0;
                }
            }, n -> n == 3);
            var created = admin1.createTopics(List.of(new NewTopic("cfg", 6, (short) 1)
                    .configs(Map.of("retention.ms", "3600000", "segment.bytes", "1048576"))));
            created.all().get();
            assertThat(created.config("cfg").get().get("retention.ms").value()).isEqualTo("3600000");
            assertThat(cluster.store().config(ConfigEntity.topic("cfg")))
                    .isEqualTo(Map.of("retention.ms", "3600000", "segment.bytes", "1048576"));
            TopicDescription topic = ledEverywhere(admin1, "cfg", 6);

            // every broker describes the creation's configs
            for (Admin admin : List.of(admin1, admin2, admin3)) {
                Config config = await("retention.ms of cfg", () -> describe(admin, "cfg"),
                        c -> "3600000".equals(value(c, "retention.ms")));
                assertThat(config.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
            }
            // every hosted partition opened with them (the leader may hear of its partition after others do)
            for (TopicPartitionInfo p : topic.partitions()) {
                Broker leader = cluster.broker(p.leader().id());
                var log = await("cfg-" + p.partition() + " opened on broker " + p.leader().id(),
                        () -> leader.partitions().partition("cfg", p.partition()), java.util.Optional::isPresent).orElseThrow().log();
                assertThat(log.config().retentionMs()).isEqualTo(3_600_000L);
                assertThat(log.config().segmentBytes()).isEqualTo(1_048_576);
            }

            // altered on broker 1 (incrementally), seen on broker 3 and applied by the brokers hosting it
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "cfg");
            admin1.incrementalAlterConfigs(Map.of(resource, List.of(
                    new AlterConfigOp(new ConfigEntry("max.message.bytes", "2000"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("retention.ms", "7200000"), AlterConfigOp.OpType.SET)))).all().get();
            Config onThree = await("broker 3 describes the change", () -> describe(admin3, "cfg"),
                    c -> "2000".equals(value(c, "max.message.bytes")) && "7200000".equals(value(c, "retention.ms")));
            assertThat(onThree.get("segment.bytes").value()).as("left alone").isEqualTo("1048576");
            for (TopicPartitionInfo p : topic.partitions()) {
                Broker leader = cluster.broker(p.leader().id());
                var log = leader.partitions().partition("cfg", p.partition()).orElseThrow().log();
                await("retention of cfg-" + p.partition() + " on broker " + p.leader().id(),
                        () -> log.config().retentionMs(), ms -> ms == 7_200_000L);
            }
            // a partition led by another broker refuses a record above the new max.message.bytes
            int elsewhere = topic.partitions().stream().filter(p -> p.leader().id() != 1).findFirst().orElseThrow().partition();
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(one.bootstrapServers(), Map.of())) {
                producer.send(new ProducerRecord<>("cfg", elsewhere, null, new byte[500])).get();
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>("cfg", elsewhere, null, new byte[5000])).get())
                        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(RecordTooLargeException.class);
            }

            // deleted on broker 2: back to the broker's default everywhere
            admin2.incrementalAlterConfigs(Map.of(resource, List.of(
                    new AlterConfigOp(new ConfigEntry("max.message.bytes", null), AlterConfigOp.OpType.DELETE),
                    new AlterConfigOp(new ConfigEntry("retention.ms", "60000"), AlterConfigOp.OpType.SET)))).all().get();
            await("broker 1 describes the change", () -> describe(admin1, "cfg"),
                    c -> "60000".equals(value(c, "retention.ms"))
                            && c.get("max.message.bytes").source() != ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(one.bootstrapServers(), Map.of())) {
                await("the big record is accepted again", () -> {
                    try {
                        producer.send(new ProducerRecord<>("cfg", elsewhere, null, new byte[5000])).get();
                        return true;
                    } catch (Exception e) {
                        return false;
                    }
                }, ok -> ok);
            }

            // refused as on one node, nothing written
            assertThatThrownBy(() -> admin3.createTopics(List.of(new NewTopic("bad", 1, (short) 1)
                    .configs(Map.of("retention.msx", "1")))).all().get())
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(InvalidConfigurationException.class)
                    .hasMessageContaining("did you mean 'retention.ms'");
            assertThatThrownBy(() -> admin3.createTopics(List.of(new NewTopic("bad", 1, (short) 1)
                    .configs(Map.of("min.insync.replicas", "2")))).all().get())
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(InvalidConfigurationException.class);
            assertThat(admin1.listTopics().names().get()).doesNotContain("bad");
            assertThatThrownBy(() -> admin3.incrementalAlterConfigs(Map.of(resource, List.of(
                    new AlterConfigOp(new ConfigEntry("retention.ms", "soon"), AlterConfigOp.OpType.SET)))).all().get())
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(InvalidConfigurationException.class);
        }
    }

    @Test
    void aBrokerThatWasDownTakesInTheConfigsChangedMeanwhile() throws Exception {
        Broker one = cluster.start(1);
        cluster.start(2);
        try (Admin admin1 = KafkaClients.admin(one.bootstrapServers())) {
            admin1.createTopics(List.of(new NewTopic("later", 4, (short) 1))).all().get();
            TopicDescription topic = ledEverywhere(admin1, "later", 4);
            List<Integer> onTwo = new ArrayList<>();
            topic.partitions().stream().filter(p -> p.leader().id() == 2).forEach(p -> onTwo.add(p.partition()));
            assertThat(onTwo).isNotEmpty();

            cluster.stop(2);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "later");
            admin1.incrementalAlterConfigs(Map.of(resource, List.of(
                    new AlterConfigOp(new ConfigEntry("retention.ms", "123456"), AlterConfigOp.OpType.SET)))).all().get();

            Broker two = cluster.start(2);
            for (int p : onTwo) {
                var partition = await("later-" + p + " opened on broker 2", () -> two.partitions().partition("later", p),
                        java.util.Optional::isPresent).orElseThrow();
                assertThat(partition.log().config().retentionMs()).as("later-" + p + " opened with the new value")
                        .isEqualTo(123_456L);
            }
            try (Admin admin2 = KafkaClients.admin(two.bootstrapServers())) {
                assertThat(value(describe(admin2, "later"), "retention.ms")).isEqualTo("123456");
            }
        }
    }

    @Test
    void dynamicBrokerConfigsAreStoredInTheClusterAndAppliedByTheBrokersTheyConcern() throws Exception {
        Broker one = cluster.start(1);
        Broker two = cluster.start(2);
        try (Admin admin1 = KafkaClients.admin(one.bootstrapServers());
             Admin admin2 = KafkaClients.admin(two.bootstrapServers())) {
            admin1.createTopics(List.of(new NewTopic("dyn", 4, (short) 1))).all().get();
            TopicDescription topic = ledEverywhere(admin1, "dyn", 4);
            ConfigResource brokerTwo = new ConfigResource(ConfigResource.Type.BROKER, "2");
            ConfigResource clusterDefault = new ConfigResource(ConfigResource.Type.BROKER, "");
            // kafka-configs --entity-type brokers --entity-name 2 --alter --add-config log.retention.ms=3600000
            admin1.incrementalAlterConfigs(Map.of(brokerTwo, List.of(new AlterConfigOp(
                    new ConfigEntry("log.retention.ms", "3600000"), AlterConfigOp.OpType.SET)))).all().get();
            // kafka-configs --entity-type brokers --entity-default --alter --add-config message.max.bytes=2000,...
            admin2.incrementalAlterConfigs(Map.of(clusterDefault, List.of(
                    new AlterConfigOp(new ConfigEntry("message.max.bytes", "2000"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("log.segment.bytes", "2097152"), AlterConfigOp.OpType.SET))))
                    .all().get();
            assertThat(cluster.store().config(ConfigEntity.broker(2))).isEqualTo(Map.of("log.retention.ms", "3600000"));
            assertThat(cluster.store().config(ConfigEntity.brokerDefault()))
                    .isEqualTo(Map.of("message.max.bytes", "2000", "log.segment.bytes", "2097152"));

            for (TopicPartitionInfo p : topic.partitions()) {
                Broker leader = cluster.broker(p.leader().id());
                var log = await("dyn-" + p.partition() + " opened on broker " + p.leader().id(),
                        () -> leader.partitions().partition("dyn", p.partition()), java.util.Optional::isPresent)
                        .orElseThrow().log();
                long expected = p.leader().id() == 2 ? 3_600_000L : 168 * 3_600_000L;
                await("retention of dyn-" + p.partition() + " on broker " + p.leader().id(),
                        () -> log.config().retentionMs(), ms -> ms == expected);
                await("segment size of dyn-" + p.partition(), () -> log.config().segmentBytes(), b -> b == 2_097_152);
            }
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(one.bootstrapServers(), Map.of())) {
                for (TopicPartitionInfo p : topic.partitions()) {
                    assertThatThrownBy(() -> producer.send(new ProducerRecord<>("dyn", p.partition(), null, new byte[5000])).get())
                            .as("dyn-" + p.partition() + " on broker " + p.leader().id())
                            .isInstanceOf(ExecutionException.class).cause().isInstanceOf(RecordTooLargeException.class);
                }
            }

            ConfigResource brokerOne = new ConfigResource(ConfigResource.Type.BROKER, "1");
            Config onOne = admin1.describeConfigs(List.of(brokerOne)).all().get().get(brokerOne);
            assertThat(onOne.get("log.retention.ms").value()).as("broker 2's own value is not broker 1's").isNull();
            assertThat(onOne.get("message.max.bytes").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
            Config onTwo = admin1.describeConfigs(List.of(brokerTwo)).all().get().get(brokerTwo);
            assertThat(onTwo.get("log.retention.ms").value()).isEqualTo("3600000");
            assertThat(onTwo.get("log.retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG);
            assertThat(admin2.describeConfigs(List.of(clusterDefault)).all().get().get(clusterDefault).entries())
                    .extracting(ConfigEntry::name).containsExactlyInAnyOrder("message.max.bytes", "log.segment.bytes");
        }
    }
}
