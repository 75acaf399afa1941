package dev.sluice.streams.test;

import dev.sluice.api.record.Header;

import java.util.List;

/** A record written by the topology under test, deserialized. */
public record TestRecord<K, V>(K key, V value, long timestamp, List<Header> headers) {
}
