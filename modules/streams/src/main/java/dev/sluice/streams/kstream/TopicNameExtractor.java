package dev.sluice.streams.kstream;

import dev.sluice.streams.processor.RecordMetadata;

/** Picks the output topic per record ({@code KStream.to(TopicNameExtractor)}); the topic must exist. */
@FunctionalInterface
public interface TopicNameExtractor<K, V> {
    /** @param source where the input record came from, or null */
    String extract(K key, V value, RecordMetadata source);
}
