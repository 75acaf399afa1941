package dev.sluice.client.config;

import dev.sluice.api.config.ConfigNames;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads Kafka-style settings ({@code linger.ms=5}) into typed values. Every problem (a bad value,
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

    public boolean isSet(String key) {
        read.add(key);
        return values.get(key) != null;
    }

    public String string(String key, String defaultValue) {
        read.add(key);
        String v = values.get(key);
        return v == null ? defaultValue : v;
    }

    /** A required string: reports a problem (and returns "") if absent or blank. */
    public String required(String key) {
        String v = string(key, null);
        if (v == null || v.isBlank()) {
            problems.add(key + " is required");
            return "";
        }
        return v;
    }

    public int intValue(String key, int defaultValue, int min, int max) {
        return (int) longValue(key, defaultValue, min, max);
    }

    public long longValue(String key, long defaultValue, long min, long max) {
        String v = string(key, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            long parsed = Long.parseLong(v);
            if (parsed < min || parsed > max) {
                problems.add(key + "=" + v + " is out of range [" + min + ", " + max + "]");
                return defaultValue;
            }
            return parsed;
        } catch (NumberFormatException e) {
            problems.add(key + "=" + v + " is not an integer");
            return defaultValue;
        }
    }

    public boolean bool(String key, boolean defaultValue) {
        String v = string(key, null);
        if (v == null) {
            return defaultValue;
        }
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        problems.add(key + "=" + v + " is not a boolean (true or false)");
        return defaultValue;
    }

    /** One of {@code allowed} (case-insensitive), returned in lower case. */
    public String choice(String key, String defaultValue, String... allowed) {
        String v = string(key, null);
        if (v == null) {
            return defaultValue;
        }
        for (String a : allowed) {
            if (a.equalsIgnoreCase(v)) {
                return a;
            }
        }
        problems.add(key + "=" + v + " is not one of " + Arrays.toString(allowed));
        return defaultValue;
    }

    /** A comma-separated list, blanks dropped. */
    public List<String> list(String key, List<String> defaultValue) {
        String v = string(key, null);
        if (v == null) {
            return defaultValue;
        }
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
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

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
