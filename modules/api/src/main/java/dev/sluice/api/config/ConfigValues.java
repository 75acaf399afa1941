package dev.sluice.api.config;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Parsed settings of one {@link ConfigDef}: every key's value (given or default) and which keys
 * were given explicitly. Immutable; any thread.
 */
public final class ConfigValues {
    private final ConfigDef def;
    private final Map<String, Object> values;
    private final Map<String, String> explicitlySet;

    ConfigValues(ConfigDef def, Map<String, Object> values, Map<String, String> explicitlySet) {
        this.def = def;
        this.values = Collections.unmodifiableMap(values);
        this.explicitlySet = Collections.unmodifiableMap(explicitlySet);
    }

    public ConfigDef def() {
        return def;
    }

    /** The value (parsed, or the default; null for a key without default that was not given). */
    public Object get(String name) {
        if (!values.containsKey(name)) {
            throw new IllegalArgumentException("no such setting: " + name);
        }
        return values.get(name);
    }

    public int getInt(String name) {
        return ((Number) get(name)).intValue();
    }

    public short getShort(String name) {
        return ((Number) get(name)).shortValue();
    }

    public long getLong(String name) {
        return ((Number) get(name)).longValue();
    }

    public boolean getBoolean(String name) {
        return (Boolean) get(name);
    }

    public String getString(String name) {
        return (String) get(name);
    }

    @SuppressWarnings("unchecked")
    public List<String> getList(String name) {
        return (List<String>) get(name);
    }

    public boolean isSet(String name) {
        return explicitlySet.containsKey(name);
    }

    /** The keys given explicitly, with their (trimmed) text, in definition order. */
    public Map<String, String> explicitlySet() {
        return explicitlySet;
    }
}
