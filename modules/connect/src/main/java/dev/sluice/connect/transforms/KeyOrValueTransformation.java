package dev.sluice.connect.transforms;

import dev.sluice.connect.api.ConnectRecord;
import dev.sluice.connect.api.Transformation;
import dev.sluice.connect.data.DataException;
import dev.sluice.connect.data.Schema;
import dev.sluice.connect.data.Struct;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What Kafka's {@code $Key}/{@code $Value} transforms share: the side of the record they rewrite, their
 * aliases ({@code org.apache.kafka.connect.transforms.<Name>$Key}, {@code <Name>$Key}), and the walk over
 * a record: a null (tombstone) passes unchanged, as in Kafka; a value without a schema must be a map, one
 * with a schema a struct, rewritten under a schema derived once per input schema. Task thread only (the
 * schema cache).
 */
abstract class KeyOrValueTransformation implements Transformation {
    private final Side side;
    private final String kafkaName;
    private final Map<Schema, Schema> rewrittenSchemas = new HashMap<>();

    KeyOrValueTransformation(Side side, String kafkaName) {
        this.side = side;
        this.kafkaName = kafkaName;
    }

    @Override
    public final List<String> aliases() {
        String name = kafkaName + (side == Side.KEY ? "$Key" : "$Value");
        return List.of("org.apache.kafka.connect.transforms." + name, name);
    }

    @Override
    public final <R extends ConnectRecord<R>> R apply(R record) {
        Object value = side.value(record);
        if (value == null) {
            return record;
        }
        Schema schema = side.schema(record);
        if (schema == null) {
            if (!(value instanceof Map<?, ?> map)) {
                throw new DataException(kafkaName + " without a schema needs a map, not a "
                        + value.getClass().getSimpleName());
            }
            return side.replace(record, null, rewriteMap(record, map));
        }
        if (!(value instanceof Struct struct)) {
            throw new DataException(kafkaName + " with a schema needs a struct");
        }
        Schema target = rewrittenSchemas.computeIfAbsent(schema, this::rewriteSchema);
        return side.replace(record, target, rewriteStruct(record, struct, target));
    }

    /** The new value of a record without a schema. */
    abstract Map<Object, Object> rewriteMap(ConnectRecord<?> record, Map<?, ?> value);

    /** The schema the values of {@code schema} are rewritten to (called once per schema). */
    abstract Schema rewriteSchema(Schema schema);

    /** {@code value} rewritten as a struct of {@code target}. */
    abstract Struct rewriteStruct(ConnectRecord<?> record, Struct value, Schema target);

    /** A struct schema builder with the name and optionality of {@code schema}, without fields yet. */
    static Schema.StructBuilder structLike(Schema schema) {
        Schema.StructBuilder b = Schema.struct().name(schema.name());
        if (schema.optional()) {
            b.optional();
        }
        return b;
    }
}
