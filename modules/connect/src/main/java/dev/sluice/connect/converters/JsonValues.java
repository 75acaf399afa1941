package dev.sluice.connect.converters;

import dev.sluice.connect.data.DataException;
import dev.sluice.connect.data.Schema;
import dev.sluice.connect.data.Struct;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Connect values to the plain values {@code JsonWriter} writes, and JSON back to typed values under
 * a schema (Kafka's JsonConverter rules: bytes as base64, maps with string keys as objects, other
 * maps as arrays of {@code [key, value]} pairs). Stateless; any thread.
 */
final class JsonValues {
    private JsonValues() {
    }

    static Object toJson(Schema schema, Object value) {
        if (schema != null) {
            schema.validate(value);
        }
        if (value == null) {
            return null;
        }
        if (value instanceof Struct struct) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Schema.Field f : struct.schema().fields()) {
                out.put(f.name(), toJson(f.schema(), struct.get(f)));
            }
            return out;
        }
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (value instanceof List<?> list) {
            Schema items = schema == null ? null : schema.valueSchema();
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(toJson(items, v)));
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            Schema keys = schema == null ? null : schema.keySchema();
            Schema values = schema == null ? null : schema.valueSchema();
            boolean stringKeys = keys != null ? keys.type() == Schema.Type.STRING
                    : map.keySet().stream().allMatch(k -> k instanceof String);
            if (stringKeys) {
                Map<String, Object> out = new LinkedHashMap<>();
                map.forEach((k, v) -> out.put((String) k, toJson(values, v)));
                return out;
            }
            List<Object> pairs = new ArrayList<>();
            map.forEach((k, v) -> pairs.add(List.of(toJson(keys, k), toJson(values, v))));
            return pairs;
        }
        if (value instanceof Number || value instanceof Boolean || value instanceof String) {
            return value;
        }
        throw new DataException("JSON cannot hold a " + value.getClass().getName());
    }

    static Object fromJson(Schema schema, Object json) {
        if (schema == null) {
            return json;
        }
        if (json == null) {
            if (schema.optional() || schema.defaultValue() != null) {
                return schema.defaultValue();
            }
            throw new DataException("null for a required " + schema.type().jsonName());
        }
        try {
            return switch (schema.type()) {
                case INT8 -> ((Number) json).byteValue();
                case INT16 -> ((Number) json).shortValue();
                case INT32 -> ((Number) json).intValue();
                case INT64 -> ((Number) json).longValue();
                case FLOAT32 -> ((Number) json).floatValue();
                case FLOAT64 -> ((Number) json).doubleValue();
                case BOOLEAN -> (Boolean) json;
                case STRING -> (String) json;
                case BYTES -> Base64.getDecoder().decode((String) json);
                case ARRAY -> {
                    List<Object> out = new ArrayList<>();
                    for (Object item : (List<?>) json) {
                        out.add(fromJson(schema.valueSchema(), item));
                    }
                    yield out;
                }
                case MAP -> mapFromJson(schema, json);
                case STRUCT -> {
                    Map<?, ?> object = (Map<?, ?>) json;
                    Struct struct = new Struct(schema);
                    for (Schema.Field f : schema.fields()) {
                        struct.put(f.name(), fromJson(f.schema(), object.get(f.name())));
                    }
                    yield struct;
                }
            };
        } catch (ClassCastException | IllegalArgumentException e) {
            throw new DataException("JSON value " + json + " does not fit its schema type " + schema.type().jsonName());
        }
    }

    private static Map<Object, Object> mapFromJson(Schema schema, Object json) {
        Map<Object, Object> out = new LinkedHashMap<>();
        if (json instanceof Map<?, ?> object) {
            object.forEach((k, v) -> out.put(k, fromJson(schema.valueSchema(), v)));
        } else {
            for (Object pair : (List<?>) json) {
                List<?> kv = (List<?>) pair;
                out.put(fromJson(schema.keySchema(), kv.get(0)), fromJson(schema.valueSchema(), kv.get(1)));
            }
        }
        return out;
    }
}
