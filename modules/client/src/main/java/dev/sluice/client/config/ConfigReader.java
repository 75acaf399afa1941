package dev.sluice.client.config;

import dev.sluice.api.config.ConfigDef;
import dev.sluice.api.config.ConfigNames;
import dev.sluice.api.config.ConfigValues;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads Kafka-style settings ({@code linger.ms=5}) into typed values, against a client's
 * {@link ConfigDef} ({@link #parse}). Every problem (a bad value,
 * a misspelled key: one close to a setting of this client) is collected and reported together by
 * {@link #finish}, so a user fixes a properties file in one round; a key far from every setting
 * (another tool's, e.g. {@code schema.registry.url} in a shared file) is warned about and ignored,
 * as Kafka's clients do. Keys Kafka defines but Sluice does not act on (serializer classes,
 * metric reporters...) are accepted and logged, so a Kafka user's file keeps working.
 */
public final class ConfigReader {
    private static final System.Logger LOG = System.getLogger(ConfigReader.class.getName());

    private final Map<String, String> values;
    private final Set<String> read = new HashSet<>();
    private final List<String> problems = new ArrayList<>();
    private List<String> unused = List.of();

    private ConfigReader(Map<String, String> values) {
        this.values = values;
    }

    public static ConfigReader of(Map<?, ?> raw) {
        Map<String, String> values = new LinkedHashMap<>();
        raw.forEach((k, v) -> values.put(String.valueOf(k).trim(), stringify(v)));
        return new ConfigReader(values);
    }

    public static ConfigReader of(Properties properties) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            values.put(name.trim(), properties.getProperty(name));
        }
        properties.forEach((k, v) -> values.putIfAbsent(String.valueOf(k).trim(), stringify(v)));
        return new ConfigReader(values);
    }

    private static String stringify(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof Class<?> c) {
            return c.getName();
        }
        if (v instanceof Collection<?> c) {
            return String.join(",", c.stream().map(String::valueOf).toList());
        }
        return String.valueOf(v).trim();
    }

    /** Every setting given (null values dropped), e.g. to hand to a plug-in. */
    public Map<String, String> values() {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (v != null) {
                out.put(k, v);
            }
        });
        return out;
    }

    /**
     * Parses every key {@code def} defines (type, default, rule: one definition per setting),
     * marking them read; a bad value is a problem {@code "<key>: '<value>' is invalid; expected ..."}.
     */
    public ConfigValues parse(ConfigDef def) {
        def.keys().forEach(k -> read.add(k.name()));
        return def.parse(values, problems);
    }

    /** Records a problem found by the caller (cross-field checks). */
    public void problem(String message) {
        problems.add(message);
    }

    /** Keys Kafka defines for this client that Sluice accepts without acting on them. */
    public void ignore(Collection<String> kafkaKeys) {
        for (String key : kafkaKeys) {
            if (values.containsKey(key)) {
                read.add(key);
                LOG.log(System.Logger.Level.DEBUG, () -> "ignoring Kafka setting " + key + " (no effect in Sluice)");
            }
        }
    }

    /**
     * Throws one {@link ConfigException} naming every bad value and every key no setting read.
     *
     * @param client e.g. "producer", used in the message
     */
    public void finish(String client) {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(read);
        List<String> unused = new ArrayList<>();
        for (String key : unknown) {
            List<String> close = ConfigNames.closest(key, read);
            if (close.isEmpty()) {
                unused.add(key); // another tool's key (schema.registry.url): Kafka's clients only warn
            } else {
                problems.add(key + " is not a " + client + " setting — did you mean "
                        + String.join(" or ", close.stream().map(n -> "'" + n + "'").toList()) + "?");
            }
        }
        if (!unused.isEmpty() && problems.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "These configurations '" + unused + "' were supplied but are not "
                    + client + " settings; they are ignored.");
        }
        this.unused = List.copyOf(unused);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** Keys no setting read and no known name is close to, after {@link #finish}: warned about, ignored. */
    public List<String> unusedKeys() {
        return unused;
    }

}
