package dev.sluice.connect.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The shape of a key or value, as Kafka Connect describes it: a type, whether null is allowed, an
 * optional name (logical types such as {@link #TIMESTAMP_NAME}) and, for structs, arrays and maps,
 * their parts. Values by type: INT8 {@code Byte}, INT16 {@code Short}, INT32 {@code Integer}, INT64
 * {@code Long}, FLOAT32 {@code Float}, FLOAT64 {@code Double}, BOOLEAN, STRING, BYTES {@code byte[]},
 * ARRAY {@code List}, MAP {@code Map}, STRUCT {@link Struct}. Immutable; any thread.
 */
public record Schema(Type type, boolean optional, String name, List<Field> fields, Schema keySchema, Schema valueSchema,
                     Object defaultValue) {

    /** Kafka's logical timestamp: an INT64 of milliseconds since the epoch. */
    public static final String TIMESTAMP_NAME = "org.apache.kafka.connect.data.Timestamp";

    public enum Type {
        INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES, ARRAY, MAP, STRUCT;

        /** Kafka's name in the JSON envelope ("int32", "struct"). */
        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public boolean isPrimitive() {
            return this != ARRAY && this != MAP && this != STRUCT;
        }
    }

    public static final Schema INT8 = of(Type.INT8);
    public static final Schema INT16 = of(Type.INT16);
    public static final Schema INT32 = of(Type.INT32);
    public static final Schema INT64 = of(Type.INT64);
    public static final Schema FLOAT32 = of(Type.FLOAT32);
    public static final Schema FLOAT64 = of(Type.FLOAT64);
    public static final Schema BOOLEAN = of(Type.BOOLEAN);
    public static final Schema STRING = of(Type.STRING);
    public static final Schema BYTES = of(Type.BYTES);
    public static final Schema OPTIONAL_INT32 = of(Type.INT32).asOptional();
    public static final Schema OPTIONAL_INT64 = of(Type.INT64).asOptional();
    public static final Schema OPTIONAL_STRING = of(Type.STRING).asOptional();
    public static final Schema OPTIONAL_TIMESTAMP = of(Type.INT64).named(TIMESTAMP_NAME).asOptional();

    public Schema {
        Objects.requireNonNull(type, "type");
        fields = fields == null ? List.of() : List.copyOf(fields);
    }

    public static Schema of(Type type) {
        return new Schema(type, false, null, List.of(), null, null, null);
    }

    public static Schema array(Schema valueSchema) {
        return new Schema(Type.ARRAY, false, null, List.of(), null, valueSchema, null);
    }

    public static Schema map(Schema keySchema, Schema valueSchema) {
        return new Schema(Type.MAP, false, null, List.of(), keySchema, valueSchema, null);
    }

    public Schema asOptional() {
        return new Schema(type, true, name, fields, keySchema, valueSchema, defaultValue);
    }

    public Schema named(String newName) {
        return new Schema(type, optional, newName, fields, keySchema, valueSchema, defaultValue);
    }

    public Optional<Field> field(String fieldName) {
        return fields.stream().filter(f -> f.name().equals(fieldName)).findFirst();
    }

    /** A struct schema, fields added in order. */
    public static StructBuilder struct() {
        return new StructBuilder();
    }

    /** One field of a struct schema; {@code index} is its position. */
    public record Field(String name, int index, Schema schema) {
        public Field {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(schema, "schema");
        }
    }

    /** Builds a STRUCT schema; one thread. */
    public static final class StructBuilder {
        private final List<Field> fields = new ArrayList<>();
        private String name;
        private boolean optional;

        public StructBuilder name(String structName) {
            this.name = structName;
            return this;
        }

        public StructBuilder optional() {
            this.optional = true;
            return this;
        }

        public StructBuilder field(String fieldName, Schema schema) {
            if (fields.stream().anyMatch(f -> f.name().equals(fieldName))) {
                throw new DataException("field " + fieldName + " is defined twice");
            }
            fields.add(new Field(fieldName, fields.size(), schema));
            return this;
        }

        public Schema build() {
            return new Schema(Type.STRUCT, optional, name, fields, null, null, null);
        }
    }

    /**
     * Checks that {@code value} fits this schema.
     *
     * @throws DataException naming what does not fit
     */
    public void validate(Object value) {
        if (value == null) {
            if (!optional) {
                throw new DataException("null is not allowed for a required " + type.jsonName());
            }
            return;
        }
        boolean fits = switch (type) {
            case INT8 -> value instanceof Byte;
            case INT16 -> value instanceof Short;
            case INT32 -> value instanceof Integer;
            case INT64 -> value instanceof Long;
            case FLOAT32 -> value instanceof Float;
            case FLOAT64 -> value instanceof Double;
            case BOOLEAN -> value instanceof Boolean;
            case STRING -> value instanceof String;
            case BYTES -> value instanceof byte[];
            case ARRAY -> value instanceof List<?>;
            case MAP -> value instanceof java.util.Map<?, ?>;
            case STRUCT -> value instanceof Struct s && s.schema().equals(this);
        };
        if (!fits) {
            throw new DataException("a " + value.getClass().getSimpleName() + " is not a valid " + type.jsonName()
                    + (name == null ? "" : " (" + name + ")"));
        }
    }
}
