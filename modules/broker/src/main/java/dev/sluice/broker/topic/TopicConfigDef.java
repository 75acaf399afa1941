package dev.sluice.broker.topic;

import dev.sluice.api.config.ConfigKey;
import dev.sluice.api.config.ConfigType;
import dev.sluice.api.config.ConfigValues;
import dev.sluice.api.config.Validator;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.config.BrokerConfigDescription;
import dev.sluice.broker.config.DescribedConfig;
import dev.sluice.broker.config.DescribedConfig.Source;
import dev.sluice.broker.config.DescribedConfig.Synonym;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.sluice.api.config.ConfigType.BOOLEAN;
import static dev.sluice.api.config.ConfigType.DOUBLE;
import static dev.sluice.api.config.ConfigType.INT;
import static dev.sluice.api.config.ConfigType.LIST;
import static dev.sluice.api.config.ConfigType.LONG;
import static dev.sluice.api.config.ConfigType.STRING;
import static dev.sluice.api.config.Validator.atLeast;

/**
 * The settings a topic may override (Kafka's names and meanings), each defined once: its
 * {@link ConfigKey} (type, rule, documentation; dynamic: AlterConfigs changes it) and the broker
 * settings that supply its default, in Kafka's order ({@code ServerTopicConfigSynonyms}):
 * {@code retention.ms} ← {@code log.retention.ms}, {@code log.retention.minutes},
 * {@code log.retention.hours}. Immutable; any thread.
 */
public final class TopicConfigDef {

    /** One topic setting and the broker settings behind its default, highest priority first. */
    public record Entry(ConfigKey key, List<BrokerSynonym> brokerSynonyms) {
        public String name() {
            return key.name();
        }

        public String documentation() {
            return key.documentation();
        }

        public List<String> brokerSynonymNames() {
            return brokerSynonyms.stream().map(BrokerSynonym::name).toList();
        }

        /**
         * The value this setting has without an override: the first broker synonym that was set,
         * else the first with a default, in the topic's unit (Kafka's {@code ServerTopicConfigSynonyms}).
         */
        public String brokerDefault(ConfigValues broker) {
            BrokerSynonym chosen = brokerSynonyms.stream().filter(b -> broker.isSet(b.name())).findFirst()
                    .or(() -> brokerSynonyms.stream().filter(b -> broker.get(b.name()) != null).findFirst())
                    .orElseThrow(() -> new IllegalStateException(name() + ": no broker setting supplies its default"));
            return chosen.toTopicValue(broker.get(chosen.name()));
        }
    }

    /**
     * A broker setting behind a topic setting's default and the factor from its unit to the
     * topic's ({@code log.retention.hours} → ms: 3,600,000; 1 for the same unit).
     */
    public record BrokerSynonym(String name, long factor) {
        static BrokerSynonym same(String name) {
            return new BrokerSynonym(name, 1);
        }

        static BrokerSynonym minutes(String name) {
            return new BrokerSynonym(name, 60_000L);
        }

        static BrokerSynonym hours(String name) {
            return new BrokerSynonym(name, 3_600_000L);
        }

        /** The broker's value in the topic's unit; a negative converted time stays -1 (Kafka: forever). */
        String toTopicValue(Object brokerValue) {
            if (factor == 1) {
                return ConfigKey.format(brokerValue);
            }
            long v = ((Number) brokerValue).longValue();
            return Long.toString(v < 0 ? -1 : v * factor);
        }
    }

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        add("cleanup.policy", LIST, Validator.of(
                        v -> v instanceof List<?> l && !l.isEmpty() && List.of("delete", "compact").containsAll(l),
                        "delete, compact, or compact,delete"),
                "delete (retention), compact (the log cleaner keeps the latest record of each key) or both", "log.cleanup.policy");
        add("retention.ms", LONG, atLeast(-1), "how long records are kept (-1: forever)",
                BrokerSynonym.same("log.retention.ms"), BrokerSynonym.minutes("log.retention.minutes"), BrokerSynonym.hours("log.retention.hours"));
        add("retention.bytes", LONG, atLeast(-1), "size kept per partition (-1: no limit)", "log.retention.bytes");
        add("segment.bytes", INT, atLeast(1024), "segment file size", "log.segment.bytes");
        add("segment.ms", LONG, atLeast(1), "segment age before rolling", BrokerSynonym.same("log.roll.ms"), BrokerSynonym.hours("log.roll.hours"));
        add("segment.index.bytes", INT, atLeast(64), "index file size", "log.index.size.max.bytes");
        add("index.interval.bytes", INT, atLeast(0), "bytes between index entries", "log.index.interval.bytes");
        add("flush.messages", LONG, atLeast(1), "fsync after this many records", "log.flush.interval.messages");
        add("flush.ms", LONG, atLeast(0), "fsync interval", "log.flush.interval.ms");
        add("max.message.bytes", INT, atLeast(0), "largest record batch", "message.max.bytes");
        // case-sensitive, as the partition settings compare them
        add("message.timestamp.type", STRING, Validator.of(v -> "CreateTime".equals(v) || "LogAppendTime".equals(v),
                "CreateTime or LogAppendTime"), "CreateTime or LogAppendTime", "log.message.timestamp.type");
        add("message.timestamp.before.max.ms", LONG, atLeast(0),
                "how far a CreateTime timestamp may lie behind the broker's clock", "log.message.timestamp.before.max.ms");
        add("message.timestamp.after.max.ms", LONG, atLeast(0),
                "how far a CreateTime timestamp may lie ahead of the broker's clock", "log.message.timestamp.after.max.ms");
        add("compression.type", STRING, Validator.of("producer"::equals, "producer"),
                "only 'producer' (keep the producer's codec) is supported", "compression.type");
        add("min.insync.replicas", INT, atLeast(1), "replicas that must acknowledge acks=all (at most the replication factor)",
                "min.insync.replicas");
        add("unclean.leader.election.enable", BOOLEAN, Validator.of(Boolean.class::isInstance, "true or false"),
                "elect out-of-sync replicas", "unclean.leader.election.enable");
        add("delete.retention.ms", LONG, atLeast(0), "how long a tombstone stays after the first cleaning that saw it",
                "log.cleaner.delete.retention.ms");
        add("min.compaction.lag.ms", LONG, atLeast(0), "a record is cleaned only once it is this old", "log.cleaner.min.compaction.lag.ms");
        add("max.compaction.lag.ms", LONG, atLeast(1), "a record waits at most this long to be cleaned",
                "log.cleaner.max.compaction.lag.ms");
        add("min.cleanable.dirty.ratio", DOUBLE, Validator.of(v -> v instanceof Double d && d >= 0 && d <= 1,
                "a number between 0 and 1"), "the dirty share of the log at which it is cleaned", "log.cleaner.min.cleanable.ratio");
        add("file.delete.delay.ms", LONG, atLeast(0), "delay before deleting files", "log.segment.delete.delay.ms");
        add("storage.engine", STRING, Validator.nonEmpty(), "log storage backend of this topic (Sluice's own; fixed at creation)",
                "log.storage");
    }

    private TopicConfigDef() {
    }

    private static void add(String name, ConfigType type, Validator validator, String doc, String... sameUnitSynonyms) {
        add(name, type, validator, doc, java.util.Arrays.stream(sameUnitSynonyms).map(BrokerSynonym::same)
                .toArray(BrokerSynonym[]::new));
    }

    private static void add(String name, ConfigType type, Validator validator, String doc, BrokerSynonym... brokerSynonyms) {
        ENTRIES.put(name, new Entry(new ConfigKey(name, type, null, validator, doc, true), List.of(brokerSynonyms)));
    }

    public static Map<String, Entry> entries() {
        return Collections.unmodifiableMap(ENTRIES);
    }

    /** Checks overrides; returns an error message naming every problem, or null if all are fine. */
    public static String validate(Map<String, String> overrides) {
        StringBuilder problems = new StringBuilder();
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            Entry entry = ENTRIES.get(e.getKey());
            if (entry == null) {
                problems.append(problems.isEmpty() ? "" : "; ").append("unknown topic config '").append(e.getKey()).append('\'');
                List<String> close = dev.sluice.api.config.ConfigNames.closest(e.getKey(), ENTRIES.keySet());
                if (!close.isEmpty()) {
                    problems.append(" (did you mean '").append(String.join("' or '", close)).append("'?)");
                }
            } else if (e.getValue() == null || !entry.key().isValid(e.getValue())) {
                problems.append(problems.isEmpty() ? "" : "; ").append(e.getKey()).append('=').append(e.getValue())
                        .append(" is invalid: expected ").append(entry.key().accepted());
            }
        }
        return problems.isEmpty() ? null : problems.toString();
    }

    /**
     * The overrides that are known topic settings with valid values. A config written to the cluster
     * metadata store by another tool (e.g. a Kafka-only key) may hold others: those are not applied.
     */
    public static Map<String, String> applicable(Map<String, String> overrides) {
        Map<String, String> valid = new LinkedHashMap<>();
        overrides.forEach((k, v) -> {
            Entry entry = ENTRIES.get(k);
            if (entry != null && v != null && entry.key().isValid(v)) {
                valid.put(k, v);
            }
        });
        return valid.size() == overrides.size() ? overrides : valid;
    }

    /**
     * Checks the overrides that depend on the topic: {@code min.insync.replicas} may not exceed
     * the replication factor (acks=all could never be answered). Returns the problem or null.
     */
    public static String validateFor(Map<String, String> overrides, int replicationFactor) {
        String minIsr = overrides.get("min.insync.replicas");
        if (minIsr != null && ENTRIES.get("min.insync.replicas").key().isValid(minIsr)
                && Integer.parseInt(minIsr.trim()) > replicationFactor) {
            return "Invalid value " + minIsr.trim() + " for configuration min.insync.replicas: it cannot be greater than "
                    + "the topic's replication factor (" + replicationFactor + "), or no acks=all produce could succeed";
        }
        return null;
    }

    /** Every topic setting's value without an override, from the broker's settings ({@link Entry#brokerDefault}). */
    public static Map<String, String> brokerDefaults(ConfigValues broker) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Entry e : ENTRIES.values()) {
            values.put(e.name(), e.brokerDefault(broker));
        }
        return values;
    }

    /**
     * Every topic setting as DescribeConfigs reports it: the override (DYNAMIC_TOPIC_CONFIG), else
     * the broker's default ({@link Entry#brokerDefault}, over the broker's settings in effect), whose
     * source is its first synonym's. Synonyms, as Kafka lists them: the override, then the broker
     * synonyms ({@link BrokerConfigDescription#synonyms}: this broker's dynamic ones, the cluster default's, the
     * static ones, the defaults).
     *
     * @param overrides the topic's overrides
     * @param broker    the broker's settings in effect (static and dynamic)
     */
    public static List<DescribedConfig> describe(Map<String, String> overrides, BrokerConfig broker) {
        List<DescribedConfig> out = new ArrayList<>();
        BrokerConfigDescription brokerSynonyms = BrokerConfigDescription.of(broker);
        for (Entry e : ENTRIES.values()) {
            List<Synonym> synonyms = new ArrayList<>();
            String override = overrides.get(e.name());
            if (override != null) {
                synonyms.add(new Synonym(e.name(), override, Source.DYNAMIC_TOPIC_CONFIG));
            }
            synonyms.addAll(brokerSynonyms.synonyms(e.brokerSynonymNames(), true));
            byte source = synonyms.isEmpty() ? Source.DEFAULT_CONFIG : synonyms.get(0).source();
            String value = override != null ? override : e.brokerDefault(broker.values());
            out.add(new DescribedConfig(e.name(), value, source, false, e.key().type(), e.documentation(), synonyms));
        }
        return out;
    }
}
