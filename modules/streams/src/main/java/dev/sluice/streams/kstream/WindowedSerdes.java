package dev.sluice.streams.kstream;

import dev.sluice.streams.serde.Serde;
import dev.sluice.streams.serde.SerdeException;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Serdes of windowed keys in Kafka Streams' formats, so windowed results read the same from either:
 * time windows {@code [key][start 8]} (the end is start + size), sessions {@code [key][end 8][start 8]}.
 */
public final class WindowedSerdes {
    private WindowedSerdes() {
    }

    public static <K> Serde<Windowed<K>> timeWindowed(Serde<K> keySerde, long windowSizeMs) {
        return new Serde<>() {
            @Override
            public byte[] serialize(String topic, Windowed<K> w) {
                if (w == null) {
                    return null;
                }
                byte[] k = keySerde.serialize(topic, w.key());
                return ByteBuffer.allocate(k.length + 8).put(k).putLong(w.window().start()).array();
            }

            @Override
            public Windowed<K> deserialize(String topic, byte[] b) {
                if (b == null) {
                    return null;
                }
                if (b.length < 8) {
                    throw new SerdeException("a time-windowed key needs at least 8 bytes");
                }
                long start = ByteBuffer.wrap(b, b.length - 8, 8).getLong();
                return new Windowed<>(keySerde.deserialize(topic, Arrays.copyOf(b, b.length - 8)),
                        new Window(start, start + windowSizeMs));
            }
        };
    }

    public static <K> Serde<Windowed<K>> sessionWindowed(Serde<K> keySerde) {
        return new Serde<>() {
            @Override
            public byte[] serialize(String topic, Windowed<K> w) {
                if (w == null) {
                    return null;
                }
                byte[] k = keySerde.serialize(topic, w.key());
                return ByteBuffer.allocate(k.length + 16).put(k).putLong(w.window().end()).putLong(w.window().start()).array();
            }

            @Override
            public Windowed<K> deserialize(String topic, byte[] b) {
                if (b == null) {
                    return null;
                }
                if (b.length < 16) {
                    throw new SerdeException("a session-windowed key needs at least 16 bytes");
                }
                ByteBuffer buf = ByteBuffer.wrap(b, b.length - 16, 16);
                long end = buf.getLong();
                long start = buf.getLong();
                return new Windowed<>(keySerde.deserialize(topic, Arrays.copyOf(b, b.length - 16)), new Window(start, end));
            }
        };
    }
}
