package dev.sluice.streams.internals;

import dev.sluice.streams.serde.Serde;

/** What every task of an application shares: its id, default serdes, where output goes, how stores open. */
public record TaskEnvironment(String applicationId, Serde<?> defaultKeySerde, Serde<?> defaultValueSerde,
                              RecordCollector collector, StoreOpener stores) {
    @SuppressWarnings("unchecked")
    public <T> Serde<T> keySerde(Serde<?> given) {
        return (Serde<T>) (given != null ? given : defaultKeySerde);
    }

    @SuppressWarnings("unchecked")
    public <T> Serde<T> valueSerde(Serde<?> given) {
        return (Serde<T>) (given != null ? given : defaultValueSerde);
    }
}
