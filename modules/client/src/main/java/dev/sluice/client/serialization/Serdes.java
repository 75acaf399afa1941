package dev.sluice.client.serialization;

import java.nio.charset.StandardCharsets;

/** The built-in serializers: raw bytes and UTF-8 strings. */
public final class Serdes {
    private Serdes() {
    }

    public static Serializer<byte[]> bytesSerializer() {
        return (topic, value) -> value;
    }

    public static Deserializer<byte[]> bytesDeserializer() {
        return (topic, bytes) -> bytes;
    }

    public static Serializer<String> stringSerializer() {
        return (topic, value) -> value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    public static Deserializer<String> stringDeserializer() {
        return (topic, bytes) -> bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
