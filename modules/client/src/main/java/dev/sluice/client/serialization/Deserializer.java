package dev.sluice.client.serialization;

/** Turns a record's bytes back into an application value; {@code null} stays {@code null}. */
@FunctionalInterface
public interface Deserializer<T> {
    T deserialize(String topic, byte[] bytes);
}
