package dev.sluice.connect.transforms;

import dev.sluice.api.config.ConfigType;
import dev.sluice.connect.api.ConnectRecord;
import dev.sluice.connect.api.PluginConfigDef;
import dev.sluice.connect.api.SinkRecord;
import dev.sluice.connect.data.DataException;
import dev.sluice.connect.data.Schema;
import dev.sluice.connect.data.Struct;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Kafka's {@code InsertField$Key} / {@code $Value}: adds the record's topic, partition, offset (sink
 * records only), timestamp and/or a static string to a struct or map, with Kafka's settings
 * {@code topic.field}, {@code partition.field}, {@code offset.field}, {@code timestamp.field},
 * {@code static.field}, {@code static.value}. A field name ending in {@code !} is required (a
 * missing value fails), {@code ?} or nothing optional. Task thread only.
 */
public abstract sealed class InsertField extends KeyOrValueTransformation permits InsertField.Key, InsertField.Value {
    private static final PluginConfigDef CONFIG = PluginConfigDef.builder()
            .optional("topic.field", ConfigType.STRING, null, null, "field for the record's topic")
            .optional("partition.field", ConfigType.STRING, null, null, "field for the record's partition")
            .optional("offset.field", ConfigType.STRING, null, null, "field for the record's offset (sink records)")
            .optional("timestamp.field", ConfigType.STRING, null, null, "field for the record's timestamp")
            .optional("static.field", ConfigType.STRING, null, null, "field for static.value")
            .optional("static.value", ConfigType.STRING, null, null, "the static value")
            .build();

    private record FieldSpec(String name, boolean required) {
        static FieldSpec parse(String raw) {
            if (raw == null || raw.isBlank()) {
                return null;
            }
            if (raw.endsWith("!")) {
                return new FieldSpec(raw.substring(0, raw.length() - 1), true);
            }
            return new FieldSpec(raw.endsWith("?") ? raw.substring(0, raw.length() - 1) : raw, false);
        }
    }

    private FieldSpec topic;
    private FieldSpec partition;
    private FieldSpec offset;
    private FieldSpec timestamp;
    private FieldSpec staticField;
    private String staticValue;

    InsertField(Side side) {
        super(side, "InsertField");
    }

    @Override
    public PluginConfigDef config() {
        return CONFIG;
    }

    @Override
    public void configure(Map<String, String> config) {
        var v = CONFIG.parse(config);
        topic = FieldSpec.parse(v.getString("topic.field"));
        partition = FieldSpec.parse(v.getString("partition.field"));
        offset = FieldSpec.parse(v.getString("offset.field"));
        timestamp = FieldSpec.parse(v.getString("timestamp.field"));
        staticField = FieldSpec.parse(v.getString("static.field"));
        staticValue = v.getString("static.value");
        if (topic == null && partition == null && offset == null && timestamp == null && staticField == null) {
            throw new dev.sluice.connect.api.ConfigException(
                    "InsertField: set at least one of topic.field, partition.field, offset.field, timestamp.field, static.field");
        }
    }

    @Override
    Map<Object, Object> rewriteMap(ConnectRecord<?> record, Map<?, ?> value) {
        Map<Object, Object> out = new LinkedHashMap<>(value);
        inserts(record).forEach(out::put);
        return out;
    }

    @Override
    Struct rewriteStruct(ConnectRecord<?> record, Struct value, Schema target) {
        Struct out = new Struct(target);
        for (Schema.Field f : value.schema().fields()) {
            out.put(f.name(), value.get(f));
        }
        inserts(record).forEach(out::put);
        return out;
    }

    private Map<String, Object> inserts(ConnectRecord<?> record) {
        Map<String, Object> out = new LinkedHashMap<>();
        put(out, topic, record.topic());
        put(out, partition, record.kafkaPartition());
        put(out, offset, record instanceof SinkRecord s ? s.kafkaOffset() : null);
        put(out, timestamp, record.timestamp());
        put(out, staticField, staticValue);
        return out;
    }

    private static void put(Map<String, Object> out, FieldSpec spec, Object value) {
        if (spec == null) {
            return;
        }
        if (value == null && spec.required()) {
            throw new DataException("InsertField: the required field " + spec.name() + " has no value for this record");
        }
        out.put(spec.name(), value);
    }

    /** The schema widened by the inserted fields. */
    @Override
    Schema rewriteSchema(Schema schema) {
        Schema.StructBuilder b = structLike(schema);
        schema.fields().forEach(f -> b.field(f.name(), f.schema()));
        add(b, topic, Schema.STRING);
        add(b, partition, Schema.INT32);
        add(b, offset, Schema.INT64);
        add(b, timestamp, Schema.of(Schema.Type.INT64).named(Schema.TIMESTAMP_NAME));
        add(b, staticField, Schema.STRING);
        return b.build();
    }

    private static void add(Schema.StructBuilder b, FieldSpec spec, Schema schema) {
        if (spec != null) {
            b.field(spec.name(), spec.required() ? schema : schema.asOptional());
        }
    }

    /** {@code InsertField$Key}. */
    public static final class Key extends InsertField {
        public Key() {
            super(Side.KEY);
        }
    }

    /** {@code InsertField$Value}. */
    public static final class Value extends InsertField {
        public Value() {
            super(Side.VALUE);
        }
    }
}
