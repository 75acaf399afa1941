package dev.sluice.connect.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * A value of a STRUCT {@link Schema}: one slot per field, checked against the field's schema when
 * set. Built by one thread, then handed on (not safe to change from several threads).
 */
public final class Struct {
    private final Schema schema;
    private final Object[] values;

    public Struct(Schema schema) {
        if (schema.type() != Schema.Type.STRUCT) {
            throw new DataException("a Struct needs a struct schema, not " + schema.type().jsonName());
        }
        this.schema = schema;
        this.values = new Object[schema.fields().size()];
    }

    public Schema schema() {
        return schema;
    }

    public Struct put(String fieldName, Object value) {
        Schema.Field field = lookup(fieldName);
        try {
            field.schema().validate(value);
        } catch (DataException e) {
            throw new DataException("field " + fieldName + ": " + e.getMessage());
        }
        values[field.index()] = value;
        return this;
    }

    public Object get(String fieldName) {
        return values[lookup(fieldName).index()];
    }

    public Object get(Schema.Field field) {
        return values[field.index()];
    }

    /** Checks that every required field is set. */
    public void validate() {
        for (Schema.Field f : schema.fields()) {
            if (values[f.index()] == null && !f.schema().optional()) {
                throw new DataException("required field " + f.name() + " is missing");
            }
        }
    }

    private Schema.Field lookup(String fieldName) {
        return schema.field(fieldName).orElseThrow(() -> new DataException(fieldName + " is not a field of "
                + (schema.name() == null ? "the struct" : schema.name())));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Struct s && s.schema.equals(schema) && Arrays.deepEquals(s.values, values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(schema, Arrays.deepHashCode(values));
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Struct{");
        for (Schema.Field f : schema.fields()) {
            if (b.length() > 7) {
                b.append(',');
            }
            Object v = values[f.index()];
            b.append(f.name()).append('=').append(v instanceof byte[] bytes ? Arrays.toString(bytes) : v);
        }
        return b.append('}').toString();
    }
}
