package dev.sluice.streams.serde;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The built-in serdes, byte for byte the same as Kafka's (so a Sluice Streams application and a
 * Kafka Streams one read each other's topics): raw bytes, UTF-8 strings, big-endian 4-byte ints and
 * 8-byte longs, and JSON. Others by name through {@link SerdeProvider}.
 */
public final class Serdes {
    private static final Serde<byte[]> BYTES = new Serde<>() {
        @Override
        public byte[] serialize(String topic, byte[] value) {
            return value;
        }

        @Override
        public byte[] deserialize(String topic, byte[] bytes) {
            return bytes;
        }
    };
    private static final Serde<String> STRING = Serde.of(s -> s.getBytes(StandardCharsets.UTF_8),
            b -> new String(b, StandardCharsets.UTF_8));
    private static final Serde<Integer> INTEGER = Serde.of(i -> ByteBuffer.allocate(4).putInt(i).array(), b -> {
        if (b.length != 4) {
            throw new SerdeException("an integer needs 4 bytes, got " + b.length);
        }
        return ByteBuffer.wrap(b).getInt();
    });
    private static final Serde<Long> LONG = Serde.of(l -> ByteBuffer.allocate(8).putLong(l).array(), b -> {
        if (b.length != 8) {
            throw new SerdeException("a long needs 8 bytes, got " + b.length);
        }
        return ByteBuffer.wrap(b).getLong();
    });
    private static final Serde<Object> JSON = Serde.of(Json::write, Json::read);

    private Serdes() {
    }

    public static Serde<byte[]> bytes() {
        return BYTES;
    }

    public static Serde<String> string() {
        return STRING;
    }

    public static Serde<Integer> integer() {
        return INTEGER;
    }

    public static Serde<Long> longs() {
        return LONG;
    }

    /**
     * JSON text: maps (string keys), lists, strings, numbers ({@code Long} when integral, else
     * {@code Double}), booleans and null.
     */
    public static Serde<Object> json() {
        return JSON;
    }

    /** JSON of a Java record: its components by name, each itself JSON-representable or a record. */
    public static <R extends Record> Serde<R> json(Class<R> type) {
        return JsonRecords.serde(type);
    }

    /**
     * A serde by name: {@code bytes}, {@code string}, {@code integer}, {@code long}, {@code json}, or
     * any {@link SerdeProvider}'s name (also Kafka's {@code Serdes$StringSerde}-style class names of the
     * built-in ones).
     */
    public static Optional<Serde<?>> byName(String name) {
        String n = name.trim();
        int dollar = n.lastIndexOf('$');
        if (dollar >= 0) { // org.apache.kafka.common.serialization.Serdes$StringSerde
            n = n.substring(dollar + 1).replace("Serde", "");
        }
        n = n.toLowerCase(Locale.ROOT);
        Serde<?> builtIn = switch (n) {
            case "bytes", "bytearray" -> BYTES;
            case "string" -> STRING;
            case "integer", "int" -> INTEGER;
            case "long" -> LONG;
            case "json" -> JSON;
            default -> null;
        };
        if (builtIn != null) {
            return Optional.of(builtIn);
        }
        for (SerdeProvider p : ServiceLoader.load(SerdeProvider.class, Serdes.class.getClassLoader())) {
            if (p.name().equalsIgnoreCase(n)) {
                return Optional.of(p.serde());
            }
        }
        return Optional.empty();
    }

    /** The names {@link #byName} knows, sorted (for error messages). */
    public static List<String> names() {
        Map<String, Boolean> names = new TreeMap<>();
        for (String b : List.of("bytes", "string", "integer", "long", "json")) {
            names.put(b, true);
        }
        ServiceLoader.load(SerdeProvider.class, Serdes.class.getClassLoader()).forEach(p -> names.put(p.name(), true));
        return List.copyOf(names.keySet());
    }
}
