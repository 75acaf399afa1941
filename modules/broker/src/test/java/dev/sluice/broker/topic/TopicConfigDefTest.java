package dev.sluice.broker.topic;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.config.BrokerConfigDef;
import dev.sluice.broker.config.DescribedConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** A topic setting's default comes from its broker synonyms, as defined in {@link TopicConfigDef}. */
class TopicConfigDefTest {

    private static Map<String, String> described(BrokerConfig config) {
        return TopicConfigDef.describe(Map.of(), config).stream()
                .collect(Collectors.toMap(DescribedConfig::name, DescribedConfig::value));
    }

    @Test
    void everyTopicSettingIsDescribedWithTheBrokersEffectiveValueAsItsDefault() {
        BrokerConfig config = BrokerConfig.of(Map.ofEntries(Map.entry("log.retention.minutes", "3"),
                Map.entry("log.retention.hours", "9"), Map.entry("log.retention.bytes", "5000"),
                Map.entry("log.segment.bytes", "2048"), Map.entry("log.roll.hours", "2"),
                Map.entry("log.index.size.max.bytes", "4096"), Map.entry("log.index.interval.bytes", "100"),
                Map.entry("log.flush.interval.messages", "7"), Map.entry("log.flush.interval.ms", "8"),
                Map.entry("message.max.bytes", "3000"), Map.entry("log.message.timestamp.type", "LogAppendTime"),
                Map.entry("log.message.timestamp.before.max.ms", "11"), Map.entry("log.message.timestamp.after.max.ms", "12"),
                Map.entry("min.insync.replicas", "2"), Map.entry("unclean.leader.election.enable", "true"),
                Map.entry("log.cleaner.delete.retention.ms", "13"), Map.entry("log.cleaner.min.compaction.lag.ms", "14"),
                Map.entry("log.cleaner.max.compaction.lag.ms", "16"), Map.entry("log.cleaner.min.cleanable.ratio", "0.25"),
                Map.entry("log.segment.delete.delay.ms", "15"), Map.entry("log.cleanup.policy", "compact,delete"),
                Map.entry("log.storage", "lmdb")));
        Map<String, String> described = described(config);
        assertThat(described.keySet()).containsExactlyInAnyOrderElementsOf(TopicConfigDef.entries().keySet());
        // the broker's typed view (BrokerConfig) is the independent account of each effective value
        assertThat(described).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry("cleanup.policy", "compact,delete"),
                Map.entry("retention.ms", Long.toString(config.logRetentionMs())),
                Map.entry("retention.bytes", "5000"),
                Map.entry("segment.bytes", Integer.toString(config.logSegmentBytes())),
                Map.entry("segment.ms", Long.toString(config.logRollMs())),
                Map.entry("segment.index.bytes", "4096"), Map.entry("index.interval.bytes", "100"),
                Map.entry("flush.messages", "7"), Map.entry("flush.ms", "8"),
                Map.entry("max.message.bytes", Integer.toString(config.messageMaxBytes())),
                Map.entry("message.timestamp.type", "LogAppendTime"),
                Map.entry("message.timestamp.before.max.ms", "11"), Map.entry("message.timestamp.after.max.ms", "12"),
                Map.entry("compression.type", "producer"), Map.entry("min.insync.replicas", "2"),
                Map.entry("unclean.leader.election.enable", "true"), Map.entry("delete.retention.ms", "13"),
                Map.entry("min.compaction.lag.ms", "14"), Map.entry("file.delete.delay.ms", "15"),
                Map.entry("max.compaction.lag.ms", "16"), Map.entry("min.cleanable.dirty.ratio", "0.25"),
                Map.entry("storage.engine", "lmdb")));
        assertThat(described.get("retention.ms")).isEqualTo("180000");
        assertThat(described.get("segment.ms")).isEqualTo("7200000");
    }

    @Test
    void unsetBrokerSettingsGiveTheirDefaultsInTheTopicsUnit() {
        BrokerConfig config = BrokerConfig.of(Map.of());
        Map<String, String> described = described(config);
        for (TopicConfigDef.Entry e : TopicConfigDef.entries().values()) {
            assertThat(e.brokerSynonymNames()).as(e.name()).allMatch(BrokerConfigDef.DEF::contains);
            assertThat(described.get(e.name())).as(e.name()).isNotNull();
        }
        assertThat(described.get("retention.ms")).isEqualTo(Long.toString(168 * 3_600_000L));
        assertThat(described.get("segment.ms")).isEqualTo(Long.toString(168 * 3_600_000L));
        assertThat(described.get("segment.bytes")).isEqualTo(Integer.toString(config.defaultLogConfig().segmentBytes()));
        assertThat(described.get("file.delete.delay.ms")).isEqualTo(Long.toString(config.defaultLogConfig().fileDeleteDelayMs()));
        assertThat(described.get("cleanup.policy")).isEqualTo("delete");
        assertThat(described.get("storage.engine")).isEqualTo("file");
        assertThat(TopicConfigDef.brokerDefaults(config.values())).isEqualTo(described);
    }

    @Test
    void aNegativeRetentionInHoursIsForever() {
        assertThat(described(BrokerConfig.of(Map.of("log.retention.hours", "-1"))).get("retention.ms")).isEqualTo("-1");
    }

    @Test
    void theDynamicBrokerSettingsAreExactlyTheBrokerDefaultsBehindTopicSettingsAndTheCleanersThreadSettings() {
        java.util.Set<String> behindTopics = new java.util.TreeSet<>();
        TopicConfigDef.entries().values().forEach(e -> behindTopics.addAll(e.brokerSynonymNames()));
        behindTopics.remove("log.storage"); // a topic's engine is fixed at creation
        java.util.Set<String> dynamic = new java.util.TreeSet<>();
        BrokerConfigDef.DEF.keys().stream().filter(dev.sluice.api.config.ConfigKey::dynamic).forEach(k -> dynamic.add(k.name()));
        assertThat(dynamic).containsAll(BrokerConfigDef.CLEANER_DYNAMIC);
        dynamic.removeAll(BrokerConfigDef.CLEANER_DYNAMIC);
        assertThat(dynamic).isEqualTo(behindTopics);
    }
}
