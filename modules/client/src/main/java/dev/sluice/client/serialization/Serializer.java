package dev.sluice.client.serialization;

/** Turns an application value into the bytes a record carries; {@code null} stays {@code null}. */
@FunctionalInterface
public interface Serializer<T> {
    byte[] serialize(String topic, T value);
}
