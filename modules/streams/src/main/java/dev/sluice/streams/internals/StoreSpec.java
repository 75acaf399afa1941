package dev.sluice.streams.internals;

import dev.sluice.streams.serde.Serde;
import dev.sluice.streams.state.StoreType;

import java.util.Map;

/**
 * Everything needed to create one store in each task: its shape, serdes (null: the configured
 * defaults), type (null: {@code default.dsl.store}), whether it logs to
 * {@code <application.id>-<name>-changelog}, and how long windowed data is kept.
 */
public record StoreSpec(String name, StoreKind kind, long windowSizeMs, long retentionMs, Serde<?> keySerde,
                        Serde<?> valueSerde, StoreType type, boolean logged, Map<String, String> changelogConfigs) {
    public StoreSpec {
        changelogConfigs = Map.copyOf(changelogConfigs);
    }

    /** The store's shape, which fixes its byte layout. */
    public enum StoreKind {
        KEY_VALUE, WINDOW, SESSION, JOIN_BUFFER, SUPPRESSION_BUFFER
    }

    public TopicRef changelog() {
        return TopicRef.internal(name + "-changelog");
    }

    /**
     * The changelog topic's configs, Kafka Streams' for the same store: compacted; windowed stores also
     * delete past their retention (plus a day); join buffers only delete (Kafka's join stores keep
     * duplicate keys, which compaction would lose; ours are unique by sequence number, so either works,
     * and the same config keeps the two interchangeable on one broker).
     */
    public Map<String, String> changelogTopicConfigs() {
        Map<String, String> configs = new java.util.HashMap<>();
        switch (kind) {
            case KEY_VALUE, SUPPRESSION_BUFFER -> configs.put("cleanup.policy", "compact");
            case WINDOW, SESSION, JOIN_BUFFER -> {
                configs.put("cleanup.policy", kind == StoreKind.JOIN_BUFFER ? "delete" : "compact,delete");
                configs.put("retention.ms", Long.toString(retentionMs + 24 * 3600 * 1000L));
            }
        }
        configs.putAll(changelogConfigs);
        return configs;
    }
}
