package dev.sluice.protocol.message;

import dev.sluice.api.storage.LogSlice;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One field of a {@link StructSchema}: its wire type, the versions it appears in, whether it is
 * nullable or tagged in a version, and its default. A {@code Field} is also a resolved handle:
 * {@code struct.getInt(field)} skips the by-name lookup of {@code struct.getInt("name")}.
 */
public final class Field {
    static final UUID ZERO_UUID = new UUID(0, 0);
    private static final ByteBuffer EMPTY_BYTES = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final String name;
    private final String camelName;
    private final int index;
    private final FieldType type;
    private final FieldType elementType;
    private final Versions versions;
    private final Versions nullableVersions;
    private final Versions taggedVersions;
    private final int tag;
    private final Versions flexibleOverride;
    private final boolean ignorable;
    private final String defaultSpec;
    StructSchema struct; // set by the parser once the (possibly shared) struct is known
    private Object defaultValue; // canonical form, resolved lazily: nested structs may be unfinished
    private Field elementCoercer; // for primitive arrays: a non-null field of the element type

    Field(String name, int index, FieldType type, FieldType elementType, Versions versions,
          Versions nullableVersions, Versions taggedVersions, int tag, Versions flexibleOverride,
          boolean ignorable, String defaultSpec) {
        this.name = name;
        this.camelName = Character.toLowerCase(name.charAt(0)) + name.substring(1);
        this.index = index;
        this.type = type;
        this.elementType = elementType;
        this.versions = versions;
        this.nullableVersions = nullableVersions;
        this.taggedVersions = taggedVersions;
        this.tag = tag;
        this.flexibleOverride = flexibleOverride;
        this.ignorable = ignorable;
        this.defaultSpec = defaultSpec;
    }

    /** The schema name, e.g. {@code PartitionIndex}. */
    public String name() {
        return name;
    }

    /** The Java-style name, e.g. {@code partitionIndex}. */
    public String camelName() {
        return camelName;
    }

    /** Position within the struct's fields (and its value array). */
    public int index() {
        return index;
    }

    public FieldType type() {
        return type;
    }

    /** For arrays, the element type ({@link FieldType#STRUCT} for struct arrays); otherwise null. */
    public FieldType elementType() {
        return elementType;
    }

    /** The struct of a struct field or the element struct of a struct array; otherwise null. */
    public StructSchema struct() {
        return struct;
    }

    public Versions versions() {
        return versions;
    }

    public boolean nullableIn(short version) {
        return nullableVersions.contains(version);
    }

    public boolean isTagged() {
        return tag >= 0;
    }

    public int tag() {
        return tag;
    }

    public boolean ignorable() {
        return ignorable;
    }

    /** Whether the field is on the wire in {@code version}, tagged or not. */
    public boolean presentIn(short version) {
        return versions.contains(version) && (!isTagged() || taggedVersions.contains(version));
    }

    /**
     * Whether variable-length encodings of this field are compact in {@code version}. A field may
     * override its message's flexible versions: the request header's ClientId is never compact.
     */
    public boolean compactIn(short version, boolean messageFlexible) {
        return flexibleOverride == null ? messageFlexible : flexibleOverride.contains(version);
    }

    /** A fresh default value: mutable for arrays and structs, shared for immutable ones. */
    public Object newDefault() {
        Object d = defaultValue();
        if (d instanceof Struct) {
            return struct.newStruct();
        }
        if (d instanceof List) {
            return new ArrayList<>();
        }
        return d;
    }

    /** Whether {@code value} equals the default (and so may be omitted where the field is absent). */
    public boolean isDefault(Object value) {
        return Objects.equals(value, defaultValue());
    }

    private Object defaultValue() {
        Object d = defaultValue;
        if (d == null && !"null".equals(defaultSpec) && type != FieldType.RECORDS) {
            d = resolveDefault();
            defaultValue = d;
        }
        return d;
    }

    private Object resolveDefault() {
        boolean explicitNull = "null".equals(defaultSpec);
        switch (type) {
            case BOOL:
                return defaultSpec != null && Boolean.parseBoolean(defaultSpec);
            case INT8: case INT16: case UINT16: case INT32: case UINT32: case INT64:
                return coerce(defaultSpec == null ? 0L : Long.decode(defaultSpec));
            case FLOAT64:
                return defaultSpec == null ? 0.0 : Double.parseDouble(defaultSpec);
            case UUID:
                return ZERO_UUID;
            case STRING:
                return defaultSpec == null ? "" : defaultSpec;
            case BYTES:
                return explicitNull ? null : EMPTY_BYTES;
            case ARRAY:
                return explicitNull ? null : List.of();
            case STRUCT:
                return explicitNull ? null : struct.newStruct();
            default:
                return null;
        }
    }

    /**
     * Converts {@code value} to this field's canonical Java type (Byte, Short, Integer for int32 and
     * uint16, Long for int64 and uint32, ...), checking ranges; throws IllegalArgumentException.
     */
    Object coerce(Object value) {
        if (value == null) {
            if (type.fixedSize() > 0 && type != FieldType.UUID) {
                throw new IllegalArgumentException(name + " (" + type + ") cannot be null");
            }
            return null;
        }
        switch (type) {
            case BOOL:
                return (Boolean) value;
            case INT8:
                return (byte) ranged(value, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case INT16:
                return (short) ranged(value, Short.MIN_VALUE, Short.MAX_VALUE);
            case UINT16:
                return (int) ranged(value, 0, 0xFFFF);
            case INT32:
                return (int) ranged(value, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case UINT32:
                return ranged(value, 0, 0xFFFF_FFFFL);
            case INT64:
                return ranged(value, Long.MIN_VALUE, Long.MAX_VALUE);
            case FLOAT64:
                return ((Number) value).doubleValue();
            case UUID:
                return (UUID) value;
            case STRING:
                return (String) value;
            case BYTES:
                return value instanceof byte[] b ? ByteBuffer.wrap(b) : (ByteBuffer) value;
            case RECORDS:
                if (!(value instanceof ByteBuffer || value instanceof LogSlice)) {
                    throw new IllegalArgumentException(name + " takes a ByteBuffer or LogSlice, not " + value.getClass());
                }
                return value;
            case STRUCT:
                Struct s = (Struct) value;
                if (s.schema() != struct) {
                    throw new IllegalArgumentException(name + " takes a " + struct.name() + ", not " + s.schema().name());
                }
                return s;
            case ARRAY:
                return coerceArray((List<?>) value);
            default:
                throw new IllegalStateException(type.toString());
        }
    }

    private List<?> coerceArray(List<?> list) {
        if (elementType == FieldType.STRUCT) {
            return list; // kept as given so callers may keep adding; elements are checked on write
        }
        List<Object> out = new ArrayList<>(list.size());
        for (Object e : list) {
            out.add(elementCoercer().coerce(e));
        }
        return out;
    }

    private Field elementCoercer() {
        if (elementCoercer == null) {
            elementCoercer = new Field(name + "[]", -1, elementType, null, versions, Versions.NONE,
                    Versions.NONE, -1, null, true, null);
        }
        return elementCoercer;
    }

    private long ranged(Object value, long min, long max) {
        long v = ((Number) value).longValue();
        if (v < min || v > max || (value instanceof Double || value instanceof Float)) {
            throw new IllegalArgumentException(name + " (" + type + ") out of range: " + value);
        }
        return v;
    }

    @Override
    public String toString() {
        return name + ":" + (type == FieldType.ARRAY ? "[]" + (struct != null ? struct.name() : elementType)
                : type == FieldType.STRUCT ? struct.name() : type);
    }
}
