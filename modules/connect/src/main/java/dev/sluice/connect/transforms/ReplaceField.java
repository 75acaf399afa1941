package dev.sluice.connect.transforms;

import dev.sluice.api.config.ConfigType;
import dev.sluice.connect.api.ConfigException;
import dev.sluice.connect.api.ConnectRecord;
import dev.sluice.connect.api.PluginConfigDef;
import dev.sluice.connect.data.Schema;
import dev.sluice.connect.data.Struct;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kafka's {@code ReplaceField$Key} / {@code $Value}: keeps only {@code include} fields (all when
 * empty), drops {@code exclude} fields, and renames with {@code renames=old:new,...} (Kafka's older
 * names {@code whitelist} and {@code blacklist} are accepted too). Struct or map. Task thread only.
 */
public abstract sealed class ReplaceField extends KeyOrValueTransformation permits ReplaceField.Key, ReplaceField.Value {
    private static final PluginConfigDef CONFIG = PluginConfigDef.builder()
            .optional("exclude", ConfigType.LIST, List.of(), null, "fields to drop")
            .optional("include", ConfigType.LIST, List.of(), null, "fields to keep (all when empty)")
            .optional("blacklist", ConfigType.LIST, List.of(), null, "old name of exclude")
            .optional("whitelist", ConfigType.LIST, List.of(), null, "old name of include")
            .optional("renames", ConfigType.LIST, List.of(), null, "old:new pairs")
            .build();

    private List<String> exclude;
    private List<String> include;
    private Map<String, String> renames;

    ReplaceField(Side side) {
        super(side, "ReplaceField");
    }

    @Override
    public PluginConfigDef config() {
        return CONFIG;
    }

    @Override
    public void configure(Map<String, String> config) {
        var v = CONFIG.parse(config);
        exclude = v.isSet("exclude") ? v.getList("exclude") : v.getList("blacklist");
        include = v.isSet("include") ? v.getList("include") : v.getList("whitelist");
        renames = new LinkedHashMap<>();
        for (String pair : v.getList("renames")) {
            String[] parts = pair.split(":");
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new ConfigException("renames: '" + pair + "' is invalid; expected old:new");
            }
            renames.put(parts[0].trim(), parts[1].trim());
        }
    }

    private boolean kept(String field) {
        return !exclude.contains(field) && (include.isEmpty() || include.contains(field));
    }

    private String renamed(String field) {
        return renames.getOrDefault(field, field);
    }

    @Override
    Map<Object, Object> rewriteMap(ConnectRecord<?> record, Map<?, ?> value) {
        Map<Object, Object> out = new LinkedHashMap<>();
        value.forEach((k, v) -> {
            if (kept(String.valueOf(k))) {
                out.put(renamed(String.valueOf(k)), v);
            }
        });
        return out;
    }

    @Override
    Schema rewriteSchema(Schema schema) {
        Schema.StructBuilder b = structLike(schema);
        schema.fields().stream().filter(f -> kept(f.name())).forEach(f -> b.field(renamed(f.name()), f.schema()));
        return b.build();
    }

    @Override
    Struct rewriteStruct(ConnectRecord<?> record, Struct value, Schema target) {
        Struct out = new Struct(target);
        for (Schema.Field f : value.schema().fields()) {
            if (kept(f.name())) {
                out.put(renamed(f.name()), value.get(f));
            }
        }
        return out;
    }

    /** {@code ReplaceField$Key}. */
    public static final class Key extends ReplaceField {
        public Key() {
            super(Side.KEY);
        }
    }

    /** {@code ReplaceField$Value}. */
    public static final class Value extends ReplaceField {
        public Value() {
            super(Side.VALUE);
        }
    }
}
