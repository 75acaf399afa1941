package dev.sluice.streams.serde;

import dev.sluice.client.serialization.Deserializer;
import dev.sluice.client.serialization.Serializer;

/**
 * Turns values of one type into record bytes and back; {@code null} stays {@code null}. Implementations
 * are stateless and thread-safe (one instance serves every task).
 */
public interface Serde<T> {
    byte[] serialize(String topic, T value);

    T deserialize(String topic, byte[] bytes);

    /** This serde as the client's serializer. */
    default Serializer<T> serializer() {
        return this::serialize;
    }

    /** This serde as the client's deserializer. */
    default Deserializer<T> deserializer() {
        return this::deserialize;
    }

    /** A serde from two functions of the value alone. */
    static <T> Serde<T> of(java.util.function.Function<T, byte[]> to, java.util.function.Function<byte[], T> from) {
        return new Serde<>() {
            @Override
            public byte[] serialize(String topic, T value) {
                return value == null ? null : to.apply(value);
            }

            @Override
            public T deserialize(String topic, byte[] bytes) {
                return bytes == null ? null : from.apply(bytes);
            }
        };
    }
}
