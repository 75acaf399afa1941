package dev.sluice.connect.data;

/** What a converter read: the schema (null when the data carries none) and the value. */
public record SchemaAndValue(Schema schema, Object value) {
    public static final SchemaAndValue NULL = new SchemaAndValue(null, null);
}
