package dev.sluice.protocol;

import dev.sluice.protocol.message.Field;
import dev.sluice.protocol.message.FieldType;
import dev.sluice.protocol.message.MessageSchema;
import dev.sluice.protocol.message.StructSchema;
import dev.sluice.protocol.message.Struct;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Test support: fills kafka-clients' generated {@code *Data} classes with random non-default
 * values, guided by our schema (reflection over their {@code setXxx} methods), and compares them
 * with our parsed {@link Struct}s field by field. Only fields on the wire in the version are set,
 * so Kafka's serializer accepts every message.
 */
final class KafkaMessages {
    private final Random random;

    KafkaMessages(long seed) {
        this.random = new Random(seed);
    }

    static Class<?> dataClass(MessageSchema schema) throws ClassNotFoundException {
        return Class.forName("org.apache.kafka.common.message." + schema.name() + "Data");
    }

    // size + write rather than MessageUtil's helpers: their signatures differ between kafka-clients
    // 3.9 and 4.x, and tests/kafka3-compat runs this against 3.9.1
    static ByteBuffer serialize(ApiMessage message, short version) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ByteBuffer b = ByteBuffer.allocate(message.size(cache, version));
        message.write(new ByteBufferAccessor(b), cache, version);
        b.flip();
        return b;
    }

    Object populate(Class<?> type, StructSchema schema, short version, int depth) throws Exception {
        Object data = type.getConstructor().newInstance();
        for (Field f : schema.fields()) {
            if (!onWire(schema, f, version)) {
                continue;
            }
            Method setter = setter(type, f);
            Object value = value(f, setter, version, depth);
            setter.invoke(data, value);
        }
        return data;
    }

    private static boolean onWire(StructSchema schema, Field f, short version) {
        return f.presentIn(version) && (!f.isTagged() || schema.flexibleIn(version)) && !sluiceOnly(f);
    }

    /**
     * A tagged field Sluice adds to a Kafka schema ({@code Sluice...}): Kafka's classes have no such
     * field, and leave it out as an unknown tag; at its default Sluice writes nothing for it either.
     */
    static boolean sluiceOnly(Field f) {
        return f.isTagged() && f.name().startsWith("Sluice");
    }

    private Object value(Field f, Method setter, short version, int depth) throws Exception {
        Class<?> ptype = setter.getParameterTypes()[0];
        if (!ptype.isPrimitive() && f.nullableIn(version) && random.nextInt(4) == 0) {
            return null;
        }
        // A tagged field left at its default is omitted: keep some at default to test both ways.
        if (f.isTagged() && random.nextInt(3) == 0) {
            return setterDefault(setter);
        }
        switch (f.type()) {
            case STRUCT:
                return populate(ptype, f.struct(), version, depth + 1);
            case ARRAY: {
                int n = random.nextInt(depth >= 3 ? 2 : 4);
                Collection<Object> out = newCollection(ptype);
                Class<?> elementClass = elementClass(setter, ptype);
                for (int i = 0; i < n; i++) {
                    out.add(f.elementType() == FieldType.STRUCT
                            ? populate(elementClass, f.struct(), version, depth + 1)
                            : scalar(f.elementType(), elementClass));
                }
                return out;
            }
            default:
                return scalar(f.type(), ptype);
        }
    }

    private static Object setterDefault(Method setter) throws Exception {
        Object fresh = setter.getDeclaringClass().getConstructor().newInstance();
        String getter = Character.toLowerCase(setter.getName().charAt(3)) + setter.getName().substring(4);
        return setter.getDeclaringClass().getMethod(getter).invoke(fresh);
    }

    private Object scalar(FieldType type, Class<?> ptype) {
        switch (type) {
            case BOOL: return random.nextBoolean();
            case INT8: return (byte) random.nextInt();
            case INT16: return (short) random.nextInt();
            case UINT16: return random.nextInt(0x10000);
            case INT32: return random.nextInt();
            case UINT32: return random.nextLong() & 0xFFFF_FFFFL;
            case INT64: return random.nextLong();
            case FLOAT64: return random.nextDouble() * 1000;
            case UUID: return new Uuid(random.nextLong(), random.nextLong());
            case STRING: return randomString();
            case BYTES: {
                byte[] b = new byte[random.nextInt(12)];
                random.nextBytes(b);
                return ptype == ByteBuffer.class ? ByteBuffer.wrap(b) : b;
            }
            case RECORDS: return records();
            default: throw new IllegalStateException(type.toString());
        }
    }

    private String randomString() {
        String[] parts = {"topic", "grüße", "g-1", "", "member", "日本", "x"};
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(3);
        for (int i = 0; i < n; i++) {
            sb.append(parts[random.nextInt(parts.length)]).append(random.nextInt(100));
        }
        return sb.toString();
    }

    private MemoryRecords records() {
        int n = 1 + random.nextInt(3);
        SimpleRecord[] records = new SimpleRecord[n];
        for (int i = 0; i < n; i++) {
            records[i] = new SimpleRecord(1_700_000_000_000L + i, ("k" + i).getBytes(StandardCharsets.UTF_8),
                    ("value-" + random.nextInt()).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(random.nextInt(1000), Compression.NONE, records);
    }

    @SuppressWarnings("unchecked")
    private static Collection<Object> newCollection(Class<?> ptype) throws Exception {
        if (ptype == List.class) {
            return new ArrayList<>();
        }
        return (Collection<Object>) ptype.getConstructor().newInstance();
    }

    private static Class<?> elementClass(Method setter, Class<?> ptype) {
        Type t = ptype == List.class ? setter.getGenericParameterTypes()[0] : ptype.getGenericSuperclass();
        return (Class<?>) ((ParameterizedType) t).getActualTypeArguments()[0];
    }

    private static Method setter(Class<?> type, Field f) {
        String name = "set" + Character.toUpperCase(f.name().charAt(0)) + f.name().substring(1);
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == 1) {
                return m;
            }
        }
        throw new AssertionError(type.getName() + " has no " + name);
    }

    // ---- comparison

    /** Asserts that every field on the wire in {@code version} has the same value in both. */
    static void assertSame(Struct ours, Object kafka, short version, String path) throws Exception {
        StructSchema schema = ours.schema();
        for (Field f : schema.fields()) {
            if (!onWire(schema, f, version)) {
                continue;
            }
            Object theirs = kafka.getClass().getMethod(f.camelName()).invoke(kafka);
            assertValue(f, f.type(), ours.get(f), theirs, version, path + "." + f.camelName());
        }
    }

    private static void assertValue(Field f, FieldType type, Object ours, Object theirs, short version, String path)
            throws Exception {
        if (theirs == null || ours == null) {
            assertThat(ours).as(path).isNull();
            assertThat(theirs).as(path).isNull();
            return;
        }
        switch (type) {
            case STRUCT -> assertSame((Struct) ours, theirs, version, path);
            case ARRAY -> {
                List<?> a = (List<?>) ours;
                List<?> b = new ArrayList<>((Collection<?>) theirs);
                assertThat(a).as(path).hasSameSizeAs(b);
                for (int i = 0; i < a.size(); i++) {
                    assertValue(f, f.elementType(), a.get(i), b.get(i), version, path + "[" + i + "]");
                }
            }
            case UUID -> {
                Uuid u = (Uuid) theirs;
                assertThat(ours).as(path).isEqualTo(new UUID(u.getMostSignificantBits(), u.getLeastSignificantBits()));
            }
            case BYTES -> assertThat((ByteBuffer) ours).as(path)
                    .isEqualTo(theirs instanceof byte[] b ? ByteBuffer.wrap(b) : theirs);
            case RECORDS -> assertThat((ByteBuffer) ours).as(path).isEqualTo(((MemoryRecords) (BaseRecords) theirs).buffer());
            case BOOL, STRING -> assertThat(ours).as(path).isEqualTo(theirs);
            case FLOAT64 -> assertThat(((Number) ours).doubleValue()).as(path).isEqualTo(((Number) theirs).doubleValue());
            default -> assertThat(((Number) ours).longValue()).as(path).isEqualTo(((Number) theirs).longValue());
        }
    }
}
