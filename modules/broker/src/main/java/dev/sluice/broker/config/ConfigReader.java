package dev.sluice.broker.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads typed values out of raw settings, remembering which keys were read and collecting every
 * problem instead of stopping at the first. Keys never read are the unknown ones.
 */
final class ConfigReader {
    private final Map<String, String> values;
    private final Set<String> read = new HashSet<>();
    private final List<String> problems;

    ConfigReader(Map<String, String> values, List<String> problems) {
        this.values = values;
        this.problems = problems;
    }

    boolean isSet(String key) {
        read.add(key);
        return values.containsKey(key);
    }

    /** The raw value, or null when not set. */
    String raw(String key) {
        read.add(key);
        String v = values.get(key);
        return v == null ? null : v.trim();
    }

    String string(String key, String defaultValue) {
        String v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        if (v.isEmpty()) {
            problem(key, v, "a non-empty value");
            return defaultValue;
        }
        return v;
    }

    int intValue(String key, int defaultValue, int min) {
        long v = longValue(key, defaultValue, min, Integer.MAX_VALUE);
        return (int) v;
    }

    long longValue(String key, long defaultValue, long min) {
        return longValue(key, defaultValue, min, Long.MAX_VALUE);
    }

    /** A long in {@code [min, max]}, or the default if unset or invalid (the problem is recorded). */
    long longValue(String key, long defaultValue, long min, long max) {
        String v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            long parsed = Long.parseLong(v);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the accepted range
        }
        problem(key, v, "an integer " + range(min, max));
        return defaultValue;
    }

    /** A long in {@code [min, max]}; null when unset or invalid (the problem is recorded). */
    Long optionalLong(String key, long min, long max) {
        if (raw(key) == null) {
            return null;
        }
        long v = longValue(key, Long.MIN_VALUE, min, max);
        return v == Long.MIN_VALUE ? null : v;
    }

    /** Like {@link #longValue} but also accepts -1 (Kafka's "unlimited"/"use the OS default"). */
    long longOrMinusOne(String key, long defaultValue, long min, long max) {
        String v = raw(key);
        if (v != null && v.equals("-1")) {
            return -1;
        }
        if (v == null) {
            return defaultValue;
        }
        try {
            long parsed = Long.parseLong(v);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        problem(key, v, "-1 or an integer " + range(min, max));
        return defaultValue;
    }

    boolean bool(String key, boolean defaultValue) {
        String v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                problem(key, v, "true or false");
                return defaultValue;
        }
    }

    /** One of {@code accepted}, matched case-insensitively; returned as spelled in {@code accepted}. */
    String choice(String key, String defaultValue, Collection<String> accepted) {
        String v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        for (String a : accepted) {
            if (a.equalsIgnoreCase(v)) {
                return a;
            }
        }
        problem(key, v, "one of " + String.join(", ", accepted));
        return defaultValue;
    }

    /** A comma-separated list with blanks dropped. */
    List<String> list(String key, List<String> defaultValue) {
        String v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        List<String> items = new ArrayList<>();
        for (String item : v.split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        return items;
    }

    /** Marks keys as known without interpreting them. */
    void accept(String key) {
        read.add(key);
    }

    void problem(String key, String value, String accepted) {
        problems.add(key + ": '" + value + "' is invalid; expected " + accepted);
    }

    void problem(String message) {
        problems.add(message);
    }

    /** Keys present but never read, in sorted order. */
    Set<String> unreadKeys() {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(read);
        return unknown;
    }

    private static String range(long min, long max) {
        if (max == Long.MAX_VALUE || max == Integer.MAX_VALUE) {
            return ">= " + min + (max == Integer.MAX_VALUE ? " and <= " + Integer.MAX_VALUE : "");
        }
        return "between " + min + " and " + max;
    }
}
