package dev.sluice.streams.serde;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Serdes beyond the built-in ones, offered through {@link SerdeProvider} like a plugin's would be. */
public final class ExtraSerdes {
    private ExtraSerdes() {
    }

    /** 8-byte IEEE 754 doubles, big-endian (Kafka's DoubleSerializer). */
    public static final class DoubleSerde implements SerdeProvider {
        @Override
        public String name() {
            return "double";
        }

        @Override
        public Serde<Double> serde() {
            return Serde.of(d -> ByteBuffer.allocate(8).putDouble(d).array(), b -> {
                if (b.length != 8) {
                    throw new SerdeException("a double needs 8 bytes, got " + b.length);
                }
                return ByteBuffer.wrap(b).getDouble();
            });
        }
    }

    /** UUIDs as their 36-character text (Kafka's UUIDSerializer). */
    public static final class UuidSerde implements SerdeProvider {
        @Override
        public String name() {
            return "uuid";
        }

        @Override
        public Serde<UUID> serde() {
            return Serde.of(u -> u.toString().getBytes(StandardCharsets.UTF_8),
                    b -> UUID.fromString(new String(b, StandardCharsets.UTF_8)));
        }
    }
}
