package dev.sluice.connect.converters;

import dev.sluice.connect.data.DataException;
import dev.sluice.connect.data.Schema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@link Schema} as the JSON object of Kafka's envelope:
 * {@code {"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":false,"name":"n"}},
 * arrays with {@code "items"}, maps with {@code "keys"} and {@code "values"}. Stateless; any thread.
 */
final class JsonSchemas {
    private JsonSchemas() {
    }

    static Map<String, Object> toJson(Schema schema) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", schema.type().jsonName());
        switch (schema.type()) {
            case STRUCT -> {
                List<Object> fields = new ArrayList<>();
                for (Schema.Field f : schema.fields()) {
                    Map<String, Object> field = toJson(f.schema());
                    field.put("field", f.name());
                    fields.add(field);
                }
                out.put("fields", fields);
            }
            case ARRAY -> out.put("items", toJson(schema.valueSchema()));
            case MAP -> {
                out.put("keys", toJson(schema.keySchema()));
                out.put("values", toJson(schema.valueSchema()));
            }
            default -> {
            }
        }
        out.put("optional", schema.optional());
        if (schema.name() != null) {
            out.put("name", schema.name());
        }
        return out;
    }

    static Schema fromJson(Object json) {
        if (!(json instanceof Map<?, ?> map)) {
            throw new DataException("a schema must be a JSON object, not " + json);
        }
        if (!(map.get("type") instanceof String typeName)) {
            throw new DataException("a schema must have a \"type\"");
        }
        Schema.Type type;
        try {
            type = Schema.Type.valueOf(typeName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new DataException("unknown schema type: " + typeName);
        }
        Schema schema = switch (type) {
            case STRUCT -> {
                Schema.StructBuilder b = Schema.struct();
                if (!(map.get("fields") instanceof List<?> fields)) {
                    throw new DataException("a struct schema must have \"fields\"");
                }
                for (Object f : fields) {
                    if (!(f instanceof Map<?, ?> fm) || !(fm.get("field") instanceof String name)) {
                        throw new DataException("every struct field needs a \"field\" name");
                    }
                    b.field(name, fromJson(f));
                }
                yield b.build();
            }
            case ARRAY -> Schema.array(fromJson(required(map, "items")));
            case MAP -> Schema.map(fromJson(required(map, "keys")), fromJson(required(map, "values")));
            default -> Schema.of(type);
        };
        if (Boolean.TRUE.equals(map.get("optional"))) {
            schema = schema.asOptional();
        }
        if (map.get("name") instanceof String name) {
            schema = schema.named(name);
        }
        return schema;
    }

    private static Object required(Map<?, ?> map, String key) {
        Object v = map.get(key);
        if (v == null) {
            throw new DataException("a " + map.get("type") + " schema must have \"" + key + "\"");
        }
        return v;
    }
}
