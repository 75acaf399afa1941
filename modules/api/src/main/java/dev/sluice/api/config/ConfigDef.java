package dev.sluice.api.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An ordered set of {@link ConfigKey}s and the parsing of raw settings against them: every problem
 * is collected, none stops the others. Immutable once built; any thread.
 */
public final class ConfigDef {
    private final Map<String, ConfigKey> keys;

    private ConfigDef(Map<String, ConfigKey> keys) {
        this.keys = keys;
    }

    public static ConfigDef of(Collection<ConfigKey> keys) {
        Map<String, ConfigKey> map = new LinkedHashMap<>();
        for (ConfigKey k : keys) {
            if (map.put(k.name(), k) != null) {
                throw new IllegalArgumentException("setting " + k.name() + " is defined twice");
            }
        }
        return new ConfigDef(java.util.Collections.unmodifiableMap(map));
    }

    public Optional<ConfigKey> key(String name) {
        return Optional.ofNullable(keys.get(name));
    }

    public boolean contains(String name) {
        return keys.containsKey(name);
    }

    /** Every key, in definition order. */
    public Collection<ConfigKey> keys() {
        return keys.values();
    }

    /**
     * Parses the defined keys of {@code raw} (other keys are left to the caller: plugins, ignored
     * Kafka keys, unknown ones); a bad value adds {@code "<key>: '<value>' is invalid; expected ..."}
     * to {@code problems} and the key keeps its default.
     */
    public ConfigValues parse(Map<String, String> raw, List<String> problems) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> set = new LinkedHashMap<>();
        for (ConfigKey k : keys.values()) {
            String text = raw.get(k.name());
            Object value = k.defaultValue();
            if (text != null) {
                try {
                    value = k.parse(text);
                    set.put(k.name(), text.trim());
                } catch (IllegalArgumentException e) {
                    problems.add(k.name() + ": " + e.getMessage());
                }
            }
            values.put(k.name(), value);
        }
        return new ConfigValues(this, values, set);
    }
}
