package dev.sluice.protocol.message;

/**
 * The wire types a schema field can have. Arrays carry their element type separately
 * ({@link Field#elementType()}); {@link #STRUCT} fields and struct arrays carry a {@link StructSchema}.
 */
public enum FieldType {
    BOOL("bool", 1),
    INT8("int8", 1),
    INT16("int16", 2),
    UINT16("uint16", 2),
    INT32("int32", 4),
    UINT32("uint32", 4),
    INT64("int64", 8),
    FLOAT64("float64", 8),
    UUID("uuid", 16),
    STRING("string", -1),
    BYTES("bytes", -1),
    RECORDS("records", -1),
    STRUCT(null, -1),
    ARRAY(null, -1);

    private final String schemaName;
    private final int fixedSize;

    FieldType(String schemaName, int fixedSize) {
        this.schemaName = schemaName;
        this.fixedSize = fixedSize;
    }

    /** Bytes on the wire for fixed-size types, -1 for variable-size ones. */
    public int fixedSize() {
        return fixedSize;
    }

    /** The primitive type a schema names ({@code "int32"}), or null for a struct name. */
    static FieldType primitive(String name) {
        for (FieldType t : values()) {
            if (name.equals(t.schemaName)) {
                return t;
            }
        }
        return null;
    }
}
