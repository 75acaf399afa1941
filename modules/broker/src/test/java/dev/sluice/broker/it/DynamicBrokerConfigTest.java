package dev.sluice.broker.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Dynamic broker configs on a single node through kafka-clients' Admin, as
 * {@code kafka-configs --entity-type brokers --entity-name 0 | --entity-default --alter} sends them:
 * only dynamic settings change, per broker over the cluster default over the static value, the
 * topic defaults behind them apply at once to topics without overrides, DescribeConfigs shows
 * Kafka's sources and synonyms, and everything survives a restart.
 */
class DynamicBrokerConfigTest {
    @TempDir
    Path dir;
    private TestBroker broker;
    private Admin admin;

    @AfterEach
    void stop() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private ConfigResource self() {
        return new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(broker.nodeId()));
    }

    private static final ConfigResource CLUSTER_DEFAULT = new ConfigResource(ConfigResource.Type.BROKER, "");

    private Config describe(ConfigResource resource) throws Exception {
        return admin.describeConfigs(List.of(resource), new DescribeConfigsOptions().includeSynonyms(true))
                .all().get().get(resource);
    }

    private void set(ConfigResource resource, String key, String value) throws Exception {
        admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry(key, value),
                value == null ? AlterConfigOp.OpType.DELETE : AlterConfigOp.OpType.SET)))).all().get();
    }

    private static List<String> synonyms(ConfigEntry e) {
        return e.synonyms().stream().map(s -> s.source() + ":" + s.name() + "=" + s.value()).toList();
    }

    private long retentionOf(String topic) {
        return broker.broker().partitions().partition(topic, 0).orElseThrow().log().config().retentionMs();
    }

    @Test
    void dynamicSettingsChangeLiveInKafkasPrecedenceAndSurviveARestart() throws Exception {
        broker = TestBroker.start(dir, Map.of("log.retention.hours", "100", "auto.create.topics.enable", "false"));
        admin = KafkaClients.admin(broker.bootstrap());
        admin.createTopics(List.of(new NewTopic("plain", 1, (short) 1),
                new NewTopic("own", 1, (short) 1).configs(Map.of("retention.ms", "1000", "max.message.bytes", "100000"))))
                .all().get();
        assertThat(retentionOf("plain")).isEqualTo(100 * 3_600_000L);

        // kafka-configs --entity-type brokers --entity-name 0 --alter --add-config log.retention.ms=3600000
        set(self(), "log.retention.ms", "3600000");
        // kafka-configs --entity-type brokers --entity-default --alter --add-config ...
        set(CLUSTER_DEFAULT, "log.retention.ms", "7200000");
        set(CLUSTER_DEFAULT, "message.max.bytes", "2000");

        Config own = describe(self());
        ConfigEntry ms = own.get("log.retention.ms");
        assertThat(ms.value()).isEqualTo("3600000");
        assertThat(ms.source()).isEqualTo(ConfigSource.DYNAMIC_BROKER_CONFIG);
        assertThat(ms.isReadOnly()).isFalse();
        assertThat(synonyms(ms)).containsExactly("DYNAMIC_BROKER_CONFIG:log.retention.ms=3600000",
                "DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=7200000", "STATIC_BROKER_CONFIG:log.retention.hours=100",
                "DEFAULT_CONFIG:log.retention.hours=168");
        assertThat(synonyms(own.get("log.retention.hours"))).containsExactly(
                "STATIC_BROKER_CONFIG:log.retention.hours=100", "DEFAULT_CONFIG:log.retention.hours=168");
        assertThat(own.get("message.max.bytes").value()).isEqualTo("2000");
        assertThat(own.get("message.max.bytes").source()).isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
        assertThat(synonyms(own.get("message.max.bytes"))).containsExactly(
                "DYNAMIC_DEFAULT_BROKER_CONFIG:message.max.bytes=2000", "DEFAULT_CONFIG:message.max.bytes=1048588");
        assertThat(own.get("num.io.threads").isReadOnly()).isTrue();

        // the default resource lists only the cluster-wide overrides, without broker-level synonyms
        Config defaults = describe(CLUSTER_DEFAULT);
        assertThat(defaults.entries()).extracting(ConfigEntry::name)
                .containsExactlyInAnyOrder("log.retention.ms", "message.max.bytes");
        assertThat(synonyms(defaults.get("log.retention.ms"))).containsExactly(
                "DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=7200000", "STATIC_BROKER_CONFIG:log.retention.hours=100",
                "DEFAULT_CONFIG:log.retention.hours=168");

        // topics: the dynamic value is the default of those without an override, applied at once
        Config plain = describe(new ConfigResource(ConfigResource.Type.TOPIC, "plain"));
        assertThat(plain.get("retention.ms").value()).isEqualTo("3600000");
        assertThat(plain.get("retention.ms").source()).isEqualTo(ConfigSource.DYNAMIC_BROKER_CONFIG);
        assertThat(synonyms(plain.get("retention.ms"))).containsExactly(
                "DYNAMIC_BROKER_CONFIG:log.retention.ms=3600000", "DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=7200000",
                "STATIC_BROKER_CONFIG:log.retention.hours=100", "DEFAULT_CONFIG:log.retention.hours=168");
        assertThat(retentionOf("plain")).isEqualTo(3_600_000L);
        assertThat(retentionOf("own")).isEqualTo(1000L);
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(), Map.of())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("plain", new byte[5000])).get())
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(RecordTooLargeException.class);
            producer.send(new ProducerRecord<>("own", new byte[5000])).get();
        }

        // deleting the broker's own value falls back to the cluster default
        set(self(), "log.retention.ms", null);
        assertThat(describe(self()).get("log.retention.ms").source()).isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
        assertThat(retentionOf("plain")).isEqualTo(7_200_000L);
        // APPEND on a list setting starts from the value in effect
        admin.incrementalAlterConfigs(Map.of(CLUSTER_DEFAULT, List.of(new AlterConfigOp(
                new ConfigEntry("log.cleanup.policy", "compact"), AlterConfigOp.OpType.APPEND)))).all().get();
        assertThat(describe(self()).get("log.cleanup.policy").value()).isEqualTo("delete,compact");

        // kept in the log directory, applied again after a restart before the partitions open
        admin.close();
        broker = broker.restart();
        admin = KafkaClients.admin(broker.bootstrap());
        assertThat(Files.isDirectory(dir.resolve("data").resolve(".cluster-metadata"))).isTrue();
        Config again = describe(self());
        assertThat(again.get("log.retention.ms").value()).isEqualTo("7200000");
        assertThat(again.get("message.max.bytes").source()).isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
        assertThat(retentionOf("plain")).isEqualTo(7_200_000L);
        assertThat(describe(new ConfigResource(ConfigResource.Type.TOPIC, "plain")).get("cleanup.policy").value())
                .isEqualTo("delete,compact");
    }

    @Test
    void onlyKnownDynamicSettingsWithValidValuesAreAccepted() throws Exception {
        broker = TestBroker.start(dir, Map.of());
        admin = KafkaClients.admin(broker.bootstrap());
        assertThatThrownBy(() -> set(self(), "num.io.threads", "4"))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("Cannot update these configs dynamically: [num.io.threads]");
        assertThatThrownBy(() -> set(CLUSTER_DEFAULT, "log.retention.msx", "1"))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("did you mean 'log.retention.ms'");
        assertThatThrownBy(() -> set(self(), "log.segment.bytes", "12"))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("log.segment.bytes");
        // validate-only checks and writes nothing
        admin.incrementalAlterConfigs(Map.of(self(), List.of(new AlterConfigOp(new ConfigEntry("log.segment.bytes", "2048"),
                AlterConfigOp.OpType.SET))), new AlterConfigsOptions().validateOnly(true)).all().get();
        Config config = describe(self());
        assertThat(config.get("log.segment.bytes").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(config.get("num.io.threads").source()).isNotEqualTo(ConfigSource.DYNAMIC_BROKER_CONFIG);
        assertThat(describe(CLUSTER_DEFAULT).entries()).isEmpty();
    }
}
