package dev.sluice.protocol.message;

import dev.sluice.api.storage.LogSlice;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * A message or nested struct value of any schema: one slot per field, starting at the field's
 * default. Getters and setters take a field name (schema or camel case) or a resolved
 * {@link Field}. Setters convert numbers to the field's width and reject out-of-range values.
 *
 * <p>Value types: bool → Boolean; int8 → Byte; int16 → Short; uint16, int32 → Integer;
 * uint32, int64 → Long; float64 → Double; string → String; bytes → ByteBuffer; uuid →
 * {@link UUID}; records → ByteBuffer or {@link LogSlice}; struct → Struct; arrays → List.
 * Values read from the wire are slices of the request frame: bytes read-only, records writable
 * (the broker assigns offsets in place).
 * Not thread-safe.
 */
public final class Struct {
    private final StructSchema schema;
    private final Object[] values;

    Struct(StructSchema schema) {
        this(schema, true);
    }

    /** The reader skips defaults for the fields it is about to read. */
    Struct(StructSchema schema, boolean withDefaults) {
        this.schema = schema;
        Field[] fields = schema.fieldArray();
        this.values = new Object[fields.length];
        if (withDefaults) {
            for (Field f : fields) {
                values[f.index()] = f.newDefault();
            }
        }
    }

    public StructSchema schema() {
        return schema;
    }

    public Field field(String name) {
        return schema.field(name);
    }

    // ---- generic access

    public Object get(String name) {
        return values[schema.field(name).index()];
    }

    public Object get(Field field) {
        return values[checked(field).index()];
    }

    /** Sets a field, converting numbers to its width; returns this for chaining. */
    public Struct set(String name, Object value) {
        return set(schema.field(name), value);
    }

    public Struct set(Field field, Object value) {
        values[checked(field).index()] = field.coerce(value);
        return this;
    }

    // ---- typed getters

    public boolean getBool(String name) {
        return (Boolean) get(name);
    }

    public byte getByte(String name) {
        return ((Number) get(name)).byteValue();
    }

    public short getShort(String name) {
        return ((Number) get(name)).shortValue();
    }

    public short getShort(Field field) {
        return ((Number) get(field)).shortValue();
    }

    /** Any integer field of at most 32 bits (int8, int16, uint16, int32). */
    public int getInt(String name) {
        return getInt(schema.field(name));
    }

    public int getInt(Field field) {
        Object v = get(field);
        if (v instanceof Long) {
            throw new IllegalArgumentException(field + " is 64 bits wide: use getLong");
        }
        return ((Number) v).intValue();
    }

    /** Any integer field. */
    public long getLong(String name) {
        return ((Number) get(name)).longValue();
    }

    public long getLong(Field field) {
        return ((Number) get(field)).longValue();
    }

    public double getDouble(String name) {
        return ((Number) get(name)).doubleValue();
    }

    public String getString(String name) {
        return (String) get(name);
    }

    public String getString(Field field) {
        return (String) get(field);
    }

    public UUID getUuid(String name) {
        return (UUID) get(name);
    }

    public UUID getUuid(Field field) {
        return (UUID) get(field);
    }

    /** A bytes field (null if the wire said null). Read-only when parsed. */
    public ByteBuffer getBytes(String name) {
        ByteBuffer b = (ByteBuffer) get(name);
        return b == null ? null : b.duplicate();
    }

    /** A records field: a ByteBuffer (parsed or set) or a LogSlice (set for sending); may be null. */
    public Object getRecords(String name) {
        return get(name);
    }

    /** A records field that holds a buffer (always the case for parsed messages). */
    public ByteBuffer getRecordsBuffer(String name) {
        Object r = get(name);
        return r == null ? null : ((ByteBuffer) r).duplicate();
    }

    public Struct getStruct(String name) {
        return (Struct) get(name);
    }

    public Struct getStruct(Field field) {
        return (Struct) get(field);
    }

    /** A records field that holds a buffer, by its field handle (see {@link #getRecordsBuffer(String)}). */
    public ByteBuffer getRecordsBuffer(Field field) {
        Object r = get(field);
        return r == null ? null : ((ByteBuffer) r).duplicate();
    }

    /** Creates an element of the struct array {@code field}, appends it and returns it. */
    public Struct addStruct(Field field) {
        return addStructTo(checked(field));
    }

    /** A struct array; the live list (add to it, or use {@link #addStruct}). */
    @SuppressWarnings("unchecked")
    public List<Struct> getArray(String name) {
        return (List<Struct>) get(name);
    }

    @SuppressWarnings("unchecked")
    public List<Struct> getArray(Field field) {
        return (List<Struct>) get(field);
    }

    /** A primitive array, e.g. {@code List<Integer>} for {@code []int32}. */
    @SuppressWarnings("unchecked")
    public <T> List<T> getList(String name) {
        return (List<T>) get(name);
    }

    // ---- nested structs

    /** A new, detached element (or value) for the struct array or struct field {@code name}. */
    public Struct newStruct(String name) {
        Field f = schema.field(name);
        if (f.struct() == null) {
            throw new IllegalArgumentException(f + " is not a struct or struct array");
        }
        return f.struct().newStruct();
    }

    /** Creates an element, appends it to the struct array {@code name} and returns it. */
    public Struct addStruct(String name) {
        return addStructTo(schema.field(name));
    }

    private Struct addStructTo(Field f) {
        if (f.type() != FieldType.ARRAY || f.struct() == null) {
            throw new IllegalArgumentException(f + " is not a struct array");
        }
        Struct element = f.struct().newStruct();
        @SuppressWarnings("unchecked")
        List<Struct> list = (List<Struct>) values[f.index()];
        if (list == null) {
            list = new java.util.ArrayList<>();
            values[f.index()] = list;
        }
        list.add(element);
        return element;
    }

    // ---- codec access: values are already in canonical form

    Object value(int index) {
        return values[index];
    }

    void setValue(int index, Object value) {
        values[index] = value;
    }

    private Field checked(Field field) {
        Field[] fields = schema.fieldArray();
        int i = field.index();
        if (i < 0 || i >= fields.length || fields[i] != field) {
            throw new IllegalArgumentException(field + " is not a field of " + schema.name());
        }
        return field;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Struct s && s.schema == schema && Arrays.equals(values, s.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(schema.name()).append('{');
        Field[] fields = schema.fieldArray();
        for (int i = 0; i < fields.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(fields[i].camelName()).append('=').append(values[i]);
        }
        return sb.append('}').toString();
    }
}
