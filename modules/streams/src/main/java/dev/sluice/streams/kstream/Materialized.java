package dev.sluice.streams.kstream;

import dev.sluice.streams.serde.Serde;
import dev.sluice.streams.state.StoreType;

import java.time.Duration;
import java.util.Map;

/**
 * How an aggregation or table keeps its store: name (queryable, and its changelog is
 * {@code <application.id>-<name>-changelog}), serdes, store type (null: {@code default.dsl.store}),
 * changelog on or off with extra topic configs, and a window store's retention.
 */
public record Materialized<K, V>(String storeName, Serde<K> keySerde, Serde<V> valueSerde, StoreType storeType,
                                 boolean loggingEnabled, Map<String, String> changelogConfigs, Long retentionMs) {
    public Materialized {
        changelogConfigs = Map.copyOf(changelogConfigs);
    }

    public static <K, V> Materialized<K, V> as(String storeName) {
        return new Materialized<>(storeName, null, null, null, true, Map.of(), null);
    }

    public static <K, V> Materialized<K, V> with(Serde<K> keySerde, Serde<V> valueSerde) {
        return new Materialized<>(null, keySerde, valueSerde, null, true, Map.of(), null);
    }

    public Materialized<K, V> withKeySerde(Serde<K> serde) {
        return new Materialized<>(storeName, serde, valueSerde, storeType, loggingEnabled, changelogConfigs, retentionMs);
    }

    public Materialized<K, V> withValueSerde(Serde<V> serde) {
        return new Materialized<>(storeName, keySerde, serde, storeType, loggingEnabled, changelogConfigs, retentionMs);
    }

    public Materialized<K, V> withStoreType(StoreType type) {
        return new Materialized<>(storeName, keySerde, valueSerde, type, loggingEnabled, changelogConfigs, retentionMs);
    }

    public Materialized<K, V> withLoggingDisabled() {
        return new Materialized<>(storeName, keySerde, valueSerde, storeType, false, Map.of(), retentionMs);
    }

    public Materialized<K, V> withLoggingEnabled(Map<String, String> topicConfigs) {
        return new Materialized<>(storeName, keySerde, valueSerde, storeType, true, topicConfigs, retentionMs);
    }

    public Materialized<K, V> withRetention(Duration retention) {
        return new Materialized<>(storeName, keySerde, valueSerde, storeType, loggingEnabled, changelogConfigs,
                retention.toMillis());
    }
}
