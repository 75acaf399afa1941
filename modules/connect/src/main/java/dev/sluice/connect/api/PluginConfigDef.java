package dev.sluice.connect.api;

import dev.sluice.api.config.ConfigDef;
import dev.sluice.api.config.ConfigKey;
import dev.sluice.api.config.ConfigType;
import dev.sluice.api.config.ConfigValues;
import dev.sluice.api.config.Validator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The settings a plugin takes: Sluice's {@link ConfigDef} (types, defaults, rules, documentation)
 * plus which keys must be given. Validation collects every problem at once
 * ({@code "file: a value is required"}, {@code "tasks.max: 'x' is invalid; expected an integer >= 1"}).
 * Immutable; any thread.
 */
public record PluginConfigDef(ConfigDef def, Set<String> required) {

    public PluginConfigDef {
        required = Set.copyOf(required);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every problem with {@code raw} against this definition; empty when it is valid. */
    public List<String> problems(Map<String, String> raw) {
        List<String> problems = new ArrayList<>();
        def.parse(raw, problems);
        for (ConfigKey k : def.keys()) {
            if (required.contains(k.name()) && (raw.get(k.name()) == null || raw.get(k.name()).isBlank())) {
                problems.add(k.name() + ": a value is required (" + k.documentation() + ")");
            }
        }
        return problems;
    }

    /**
     * The typed values of {@code raw}.
     *
     * @throws ConfigException listing every problem
     */
    public ConfigValues parse(Map<String, String> raw) {
        List<String> problems = problems(raw);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return def.parse(raw, new ArrayList<>());
    }

    /** The same settings with {@code names} (defined here) required too: e.g. the keys a worker's mode needs. */
    public PluginConfigDef requiring(String... names) {
        Set<String> req = new LinkedHashSet<>(required);
        for (String name : names) {
            if (!def.contains(name)) {
                throw new IllegalArgumentException(name + " is not defined");
            }
            req.add(name);
        }
        return new PluginConfigDef(def, req);
    }

    /** This definition followed by {@code other}'s keys (a connector's keys after the worker's common ones). */
    public PluginConfigDef with(PluginConfigDef other) {
        List<ConfigKey> keys = new ArrayList<>(def.keys());
        keys.addAll(other.def.keys());
        Set<String> req = new LinkedHashSet<>(required);
        req.addAll(other.required);
        return new PluginConfigDef(ConfigDef.of(keys), req);
    }

    /** Collects keys in order; one thread. */
    public static final class Builder {
        private final List<ConfigKey> keys = new ArrayList<>();
        private final Set<String> required = new LinkedHashSet<>();

        /** A setting without default that must be given. */
        public Builder required(String name, ConfigType type, Validator validator, String documentation) {
            keys.add(ConfigKey.of(name, type, null, validator, documentation));
            required.add(name);
            return this;
        }

        /** A setting with a default ({@code null}: unset means none). */
        public Builder optional(String name, ConfigType type, Object defaultValue, Validator validator,
                                String documentation) {
            keys.add(ConfigKey.of(name, type, defaultValue, validator, documentation));
            return this;
        }

        public Builder all(Collection<ConfigKey> more) {
            keys.addAll(more);
            return this;
        }

        public PluginConfigDef build() {
            return new PluginConfigDef(ConfigDef.of(keys), required);
        }
    }
}
