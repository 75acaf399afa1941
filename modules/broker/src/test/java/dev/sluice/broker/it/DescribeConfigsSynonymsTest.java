package dev.sluice.broker.it;

import dev.sluice.broker.config.BrokerConfigDef;
import dev.sluice.broker.topic.TopicConfigDef;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DescribeConfigs through kafka-clients' Admin with synonyms: sources and synonyms as Kafka lists
 * them, checked against Kafka's table of topic-to-broker synonyms ({@code ServerTopicConfigSynonyms}).
 */
class DescribeConfigsSynonymsTest {
    /** Kafka 4.x's ServerTopicConfigSynonyms for the topic settings Sluice has, highest priority first. */
    static final Map<String, List<String>> KAFKA_TOPIC_SYNONYMS = new LinkedHashMap<>();

    static {
        KAFKA_TOPIC_SYNONYMS.put("segment.bytes", List.of("log.segment.bytes"));
        KAFKA_TOPIC_SYNONYMS.put("segment.ms", List.of("log.roll.ms", "log.roll.hours"));
        KAFKA_TOPIC_SYNONYMS.put("segment.index.bytes", List.of("log.index.size.max.bytes"));
        KAFKA_TOPIC_SYNONYMS.put("flush.messages", List.of("log.flush.interval.messages"));
        KAFKA_TOPIC_SYNONYMS.put("flush.ms", List.of("log.flush.interval.ms", "log.flush.scheduler.interval.ms"));
        KAFKA_TOPIC_SYNONYMS.put("retention.bytes", List.of("log.retention.bytes"));
        KAFKA_TOPIC_SYNONYMS.put("retention.ms", List.of("log.retention.ms", "log.retention.minutes", "log.retention.hours"));
        KAFKA_TOPIC_SYNONYMS.put("max.message.bytes", List.of("message.max.bytes"));
        KAFKA_TOPIC_SYNONYMS.put("index.interval.bytes", List.of("log.index.interval.bytes"));
        KAFKA_TOPIC_SYNONYMS.put("delete.retention.ms", List.of("log.cleaner.delete.retention.ms"));
        KAFKA_TOPIC_SYNONYMS.put("min.compaction.lag.ms", List.of("log.cleaner.min.compaction.lag.ms"));
        KAFKA_TOPIC_SYNONYMS.put("file.delete.delay.ms", List.of("log.segment.delete.delay.ms"));
        KAFKA_TOPIC_SYNONYMS.put("cleanup.policy", List.of("log.cleanup.policy"));
        KAFKA_TOPIC_SYNONYMS.put("unclean.leader.election.enable", List.of("unclean.leader.election.enable"));
        KAFKA_TOPIC_SYNONYMS.put("min.insync.replicas", List.of("min.insync.replicas"));
        KAFKA_TOPIC_SYNONYMS.put("compression.type", List.of("compression.type"));
        KAFKA_TOPIC_SYNONYMS.put("message.timestamp.type", List.of("log.message.timestamp.type"));
        KAFKA_TOPIC_SYNONYMS.put("message.timestamp.before.max.ms", List.of("log.message.timestamp.before.max.ms"));
        KAFKA_TOPIC_SYNONYMS.put("message.timestamp.after.max.ms", List.of("log.message.timestamp.after.max.ms"));
    }

    /** Broker settings given at start: one of each synonym group, and some whole ones. */
    static final Map<String, String> STATIC = Map.of("log.retention.hours", "2", "log.roll.hours", "5",
            "log.segment.bytes", "2097152", "message.max.bytes", "2000000", "compression.type", "producer",
            "min.insync.replicas", "1", "log.cleanup.policy", "compact,delete", "log.cleaner.delete.retention.ms", "1000");

    @TempDir
    static Path dir;
    static TestBroker broker;
    static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(STATIC);
        settings.put("auto.create.topics.enable", "false");
        broker = TestBroker.start(dir, settings);
        admin = KafkaClients.admin(broker.bootstrap());
        admin.createTopics(List.of(new NewTopic("syn", 1, (short) 1))).all().get();
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

    private static Config describe(ConfigResource resource) throws Exception {
        return admin.describeConfigs(List.of(resource), new DescribeConfigsOptions().includeSynonyms(true)
                .includeDocumentation(true)).all().get().get(resource);
    }

    private static List<String> synonyms(ConfigEntry e) {
        return e.synonyms().stream().map(s -> s.source() + ":" + s.name() + "=" + s.value()).toList();
    }

    @Test
    void everyTopicSettingListsItsBrokerSynonymsInKafkasOrder() throws Exception {
        Config config = describe(new ConfigResource(ConfigResource.Type.TOPIC, "syn"));
        for (Map.Entry<String, List<String>> row : KAFKA_TOPIC_SYNONYMS.entrySet()) {
            ConfigEntry e = config.get(row.getKey());
            assertThat(e).as(row.getKey()).isNotNull();
            List<String> kafkaNames = row.getValue();
            List<String> set = kafkaNames.stream().filter(STATIC::containsKey).toList();
            List<String> withDefault = kafkaNames.stream().filter(n -> BrokerConfigDef.DEF.key(n)
                    .map(k -> k.defaultValue() != null).orElse(false)).toList();
            assertThat(e.synonyms().stream().filter(s -> s.source() == ConfigSource.STATIC_BROKER_CONFIG)
                    .map(ConfigEntry.ConfigSynonym::name).toList()).as(row.getKey()).isEqualTo(set);
            assertThat(e.synonyms().stream().filter(s -> s.source() == ConfigSource.DEFAULT_CONFIG)
                    .map(ConfigEntry.ConfigSynonym::name).toList()).as(row.getKey()).isEqualTo(withDefault);
            assertThat(e.source()).as(row.getKey()).isEqualTo(set.isEmpty()
                    ? ConfigSource.DEFAULT_CONFIG : ConfigSource.STATIC_BROKER_CONFIG);
            assertThat(e.isReadOnly()).isFalse();
            assertThat(e.documentation()).isNotBlank();
        }
        ConfigEntry retention = config.get("retention.ms");
        assertThat(retention.value()).isEqualTo("7200000");
        assertThat(synonyms(retention)).containsExactly("STATIC_BROKER_CONFIG:log.retention.hours=2",
                "DEFAULT_CONFIG:log.retention.hours=168");
        assertThat(config.get("segment.ms").value()).isEqualTo("18000000");
        assertThat(synonyms(config.get("segment.bytes"))).containsExactly("STATIC_BROKER_CONFIG:log.segment.bytes=2097152",
                "DEFAULT_CONFIG:log.segment.bytes=1073741824");
        // a broker setting that supplies a topic default is that default
        assertThat(config.get("cleanup.policy").value()).isEqualTo("compact,delete");
        assertThat(synonyms(config.get("cleanup.policy"))).containsExactly(
                "STATIC_BROKER_CONFIG:log.cleanup.policy=compact,delete", "DEFAULT_CONFIG:log.cleanup.policy=delete");
        assertThat(config.get("delete.retention.ms").value()).isEqualTo("1000");
        assertThat(config.get("cleanup.policy").type()).isEqualTo(ConfigEntry.ConfigType.LIST);
        assertThat(config.get("segment.bytes").type()).isEqualTo(ConfigEntry.ConfigType.INT);
    }

    @Test
    void everyTopicSettingIsDescribedWithItsBrokerSynonymsValueAsDefault() throws Exception {
        Config topic = describe(new ConfigResource(ConfigResource.Type.TOPIC, "syn"));
        Config brokerConfig = describe(new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(broker.nodeId())));
        for (TopicConfigDef.Entry e : TopicConfigDef.entries().values()) {
            ConfigEntry entry = topic.get(e.name());
            assertThat(entry).as(e.name()).isNotNull();
            // the first broker synonym set (or else with a value), converted to the topic's unit
            TopicConfigDef.BrokerSynonym chosen = e.brokerSynonyms().stream()
                    .filter(b -> STATIC.containsKey(b.name())).findFirst()
                    .or(() -> e.brokerSynonyms().stream().filter(b -> brokerConfig.get(b.name()).value() != null).findFirst())
                    .orElseThrow();
            String brokerValue = brokerConfig.get(chosen.name()).value();
            String expected = chosen.factor() == 1 ? brokerValue : Long.toString(Long.parseLong(brokerValue) * chosen.factor());
            assertThat(entry.value()).as(e.name()).isEqualTo(expected);
        }
    }

    @Test
    void aTopicOverrideComesFirstWithItsDynamicTopicSource() throws Exception {
        admin.createTopics(List.of(new NewTopic("syn-over", 1, (short) 1))).all().get();
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "syn-over");
        admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "1000"),
                AlterConfigOp.OpType.SET)))).all().get();
        ConfigEntry retention = describe(resource).get("retention.ms");
        assertThat(retention.value()).isEqualTo("1000");
        assertThat(retention.source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(synonyms(retention)).containsExactly("DYNAMIC_TOPIC_CONFIG:retention.ms=1000",
                "STATIC_BROKER_CONFIG:log.retention.hours=2", "DEFAULT_CONFIG:log.retention.hours=168");
    }

    @Test
    void everyBrokerSettingIsDescribedWithSourceTypeAndSynonyms() throws Exception {
        Config config = describe(new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(broker.nodeId())));
        for (var key : BrokerConfigDef.DEF.keys()) {
            assertThat(config.get(key.name())).as(key.name()).isNotNull();
            assertThat(config.get(key.name()).isReadOnly()).as(key.name()).isEqualTo(!key.dynamic());
        }
        assertThat(config.entries().size()).isGreaterThan(60);
        assertThat(config.get("lmdb.map.size").value()).as("an installed plugin's setting").isEqualTo("268435456");

        ConfigEntry hours = config.get("log.retention.hours");
        assertThat(hours.value()).isEqualTo("2");
        assertThat(hours.source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(synonyms(hours)).containsExactly("STATIC_BROKER_CONFIG:log.retention.hours=2",
                "DEFAULT_CONFIG:log.retention.hours=168");
        ConfigEntry ms = config.get("log.retention.ms");
        assertThat(ms.value()).as("no default, not set: null, as in Kafka").isNull();
        assertThat(synonyms(ms)).containsExactly("STATIC_BROKER_CONFIG:log.retention.hours=2",
                "DEFAULT_CONFIG:log.retention.hours=168");
        ConfigEntry partitions = config.get("num.partitions");
        assertThat(partitions.value()).isEqualTo("1");
        assertThat(partitions.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(synonyms(partitions)).containsExactly("DEFAULT_CONFIG:num.partitions=1");
        assertThat(partitions.type()).isEqualTo(ConfigEntry.ConfigType.INT);
        assertThat(partitions.documentation()).isNotBlank();
        assertThat(config.get("auto.create.topics.enable").source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(config.get("auto.create.topics.enable").type()).isEqualTo(ConfigEntry.ConfigType.BOOLEAN);
    }
}
