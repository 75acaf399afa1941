package dev.sluice.protocol.message;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a parsed schema file (the JSON tree) into a {@link MessageSchema}. Struct types are
 * declared inline by the first field that uses them (with {@code fields}) or in
 * {@code commonStructs}, and may be referenced by name elsewhere in the same file.
 */
final class SchemaParser {
    private final Map<String, StructSchema> structs = new HashMap<>();
    private final List<StructSchema> allStructs = new ArrayList<>();

    private SchemaParser() {
    }

    static MessageSchema parse(Map<String, Object> json) {
        return new SchemaParser().message(json);
    }

    private MessageSchema message(Map<String, Object> json) {
        String name = string(json, "name");
        MessageSchema.Kind kind = MessageSchema.Kind.valueOf(string(json, "type").toUpperCase(java.util.Locale.ROOT));
        Versions valid = Versions.parse(string(json, "validVersions"));
        Versions flexible = Versions.parse(json.getOrDefault("flexibleVersions", "none").toString());
        short apiKey = json.containsKey("apiKey") ? ((Number) json.get("apiKey")).shortValue() : -1;
        boolean unstable = Boolean.TRUE.equals(json.get("latestVersionUnstable"));

        // Common structs first, so fields anywhere can refer to them by name.
        List<Map<String, Object>> common = list(json, "commonStructs");
        for (Map<String, Object> c : common) {
            declare(string(c, "name"));
        }
        for (Map<String, Object> c : common) {
            structs.get(string(c, "name")).setFields(fields(list(c, "fields")));
        }
        StructSchema root = declare(name);
        root.setFields(fields(list(json, "fields")));
        for (StructSchema s : allStructs) {
            if (!s.finished()) {
                s.finish(valid.highest(), flexible);
            }
        }
        return new MessageSchema(name, kind, apiKey, valid, flexible, unstable, root);
    }

    private StructSchema declare(String name) {
        if (structs.containsKey(name)) {
            throw new IllegalArgumentException("struct " + name + " declared twice");
        }
        StructSchema s = new StructSchema(name);
        structs.put(name, s);
        allStructs.add(s);
        return s;
    }

    private List<Field> fields(List<Map<String, Object>> specs) {
        List<Field> fields = new ArrayList<>(specs.size());
        for (Map<String, Object> spec : specs) {
            fields.add(field(spec, fields.size()));
        }
        return fields;
    }

    private Field field(Map<String, Object> spec, int index) {
        String name = string(spec, "name");
        String typeName = string(spec, "type");
        boolean array = typeName.startsWith("[]");
        String baseName = array ? typeName.substring(2) : typeName;
        FieldType base = FieldType.primitive(baseName);
        FieldType type = array ? FieldType.ARRAY : (base != null ? base : FieldType.STRUCT);
        FieldType elementType = array ? (base != null ? base : FieldType.STRUCT) : null;

        Versions versions = Versions.parse(string(spec, "versions"));
        Versions nullable = spec.containsKey("nullableVersions")
                ? Versions.parse(string(spec, "nullableVersions")) : Versions.NONE;
        Versions tagged = spec.containsKey("taggedVersions")
                ? Versions.parse(string(spec, "taggedVersions")) : Versions.NONE;
        int tag = spec.containsKey("tag") ? ((Number) spec.get("tag")).intValue() : -1;
        Versions flexibleOverride = spec.containsKey("flexibleVersions")
                ? Versions.parse(string(spec, "flexibleVersions")) : null;
        boolean ignorable = Boolean.TRUE.equals(spec.get("ignorable"));
        Object def = spec.get("default");

        Field field = new Field(name, index, type, elementType, versions, nullable, tagged, tag,
                flexibleOverride, ignorable, def == null ? null : def.toString());
        if (base == null) {
            field.struct = struct(baseName, spec);
        }
        return field;
    }

    /** The struct a field refers to: declared here if the field lists fields, else by name. */
    private StructSchema struct(String name, Map<String, Object> spec) {
        if (spec.containsKey("fields")) {
            StructSchema s = declare(name);
            s.setFields(fields(list(spec, "fields")));
            return s;
        }
        StructSchema s = structs.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown struct type " + name);
        }
        return s;
    }

    private static String string(Map<String, Object> json, String key) {
        Object v = json.get(key);
        if (v == null) {
            throw new IllegalArgumentException("schema lacks '" + key + "': " + json.get("name"));
        }
        return v.toString();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> json, String key) {
        Object v = json.get(key);
        return v == null ? List.of() : (List<Map<String, Object>>) v;
    }
}
