package dev.sluice.broker.topic;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The topic-level settings a topic may override (Kafka's names and meanings), with how each is
 * validated. Defaults come from the broker configuration.
 */
public final class TopicConfigDef {

    /** One topic setting: its name, the broker setting that supplies its default, and its rule. */
    public record Entry(String name, String brokerDefaultKey, String documentation, Predicate<String> valid, String accepted) {
    }

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        add("cleanup.policy", "log.cleanup.policy", "delete or compact (compaction is not implemented yet: segments are kept)",
                v -> Set.of("delete", "compact", "compact,delete", "delete,compact").contains(v.replace(" ", "")),
                "delete, compact, or compact,delete");
        add("retention.ms", "log.retention.ms", "how long records are kept", TopicConfigDef::longAtLeastMinusOne, "-1 or >= 0");
        add("retention.bytes", "log.retention.bytes", "size kept per partition", TopicConfigDef::longAtLeastMinusOne, "-1 or >= 0");
        add("segment.bytes", "log.segment.bytes", "segment file size", v -> intAtLeast(v, 1024), "an int >= 1024");
        add("segment.ms", "log.roll.ms", "segment age before rolling", v -> longAtLeast(v, 1), "a long >= 1");
        add("segment.index.bytes", "log.index.size.max.bytes", "index file size", v -> intAtLeast(v, 64), "an int >= 64");
        add("index.interval.bytes", "log.index.interval.bytes", "bytes between index entries", v -> intAtLeast(v, 0), "an int >= 0");
        add("flush.messages", "log.flush.interval.messages", "fsync after this many records", v -> longAtLeast(v, 1), "a long >= 1");
        add("flush.ms", "log.flush.interval.ms", "fsync interval", v -> longAtLeast(v, 0), "a long >= 0");
        add("max.message.bytes", "message.max.bytes", "largest record batch", v -> intAtLeast(v, 0), "an int >= 0");
        add("message.timestamp.type", "log.message.timestamp.type", "CreateTime or LogAppendTime",
                v -> v.equals("CreateTime") || v.equals("LogAppendTime"), "CreateTime or LogAppendTime");
        add("message.timestamp.before.max.ms", "log.message.timestamp.before.max.ms",
                "how far a CreateTime timestamp may lie behind the broker's clock", v -> longAtLeast(v, 0), "a long >= 0");
        add("message.timestamp.after.max.ms", "log.message.timestamp.after.max.ms",
                "how far a CreateTime timestamp may lie ahead of the broker's clock", v -> longAtLeast(v, 0), "a long >= 0");
        add("compression.type", "compression.type", "only 'producer' (keep the producer's codec) is supported",
                v -> v.equals("producer"), "producer");
        add("min.insync.replicas", "min.insync.replicas", "replicas that must acknowledge acks=all", v -> intAtLeast(v, 1), "an int >= 1");
        add("unclean.leader.election.enable", "unclean.leader.election.enable", "elect out-of-sync replicas",
                v -> v.equals("true") || v.equals("false"), "true or false");
        add("delete.retention.ms", "log.cleaner.delete.retention.ms", "tombstone retention (compaction)", v -> longAtLeast(v, 0), "a long >= 0");
        add("min.compaction.lag.ms", "log.cleaner.min.compaction.lag.ms", "compaction lag", v -> longAtLeast(v, 0), "a long >= 0");
        add("file.delete.delay.ms", "log.segment.delete.delay.ms", "delay before deleting files", v -> longAtLeast(v, 0), "a long >= 0");
        add("storage.engine", "log.storage", "log storage backend of this topic", v -> !v.isBlank(), "an installed log storage name");
    }

    private TopicConfigDef() {
    }

    private static void add(String name, String brokerKey, String doc, Predicate<String> valid, String accepted) {
        ENTRIES.put(name, new Entry(name, brokerKey, doc, valid, accepted));
    }

    public static Map<String, Entry> entries() {
        return ENTRIES;
    }

    /** Checks overrides; returns an error message naming every problem, or null if all are fine. */
    public static String validate(Map<String, String> overrides) {
        StringBuilder problems = new StringBuilder();
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            Entry entry = ENTRIES.get(e.getKey());
            if (entry == null) {
                problems.append(problems.isEmpty() ? "" : "; ").append("unknown topic config '").append(e.getKey()).append('\'');
            } else if (e.getValue() == null || !entry.valid().test(e.getValue().trim())) {
                problems.append(problems.isEmpty() ? "" : "; ").append(e.getKey()).append('=').append(e.getValue())
                        .append(" is invalid: expected ").append(entry.accepted());
            }
        }
        return problems.isEmpty() ? null : problems.toString();
    }

    /**
     * Checks the overrides that depend on the topic: {@code min.insync.replicas} may not exceed
     * the replication factor (acks=all could never be answered). Returns the problem or null.
     */
    public static String validateFor(Map<String, String> overrides, int replicationFactor) {
        String minIsr = overrides.get("min.insync.replicas");
        if (minIsr != null && intAtLeast(minIsr, replicationFactor + 1)) {
            return "Invalid value " + minIsr.trim() + " for configuration min.insync.replicas: it cannot be greater than "
                    + "the topic's replication factor (" + replicationFactor + "), or no acks=all produce could succeed";
        }
        return null;
    }

    private static boolean longAtLeastMinusOne(String v) {
        return longAtLeast(v, -1);
    }

    private static boolean longAtLeast(String v, long min) {
        try {
            return Long.parseLong(v.trim()) >= min;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean intAtLeast(String v, int min) {
        try {
            return Integer.parseInt(v.trim()) >= min;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
