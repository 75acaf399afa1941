package dev.sluice.api.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One setting, defined once: its name, type, default, rule, documentation and whether it may change
 * at run time. Parsing, {@code --help}, DescribeConfigs and the typed config records all read it.
 *
 * @param name          the key (Kafka's name where the meaning is Kafka's)
 * @param type          how the text is parsed
 * @param defaultValue  parsed default; {@code null} when the setting has none (unset means "derived
 *                      from another setting", e.g. {@code log.retention.ms} from {@code log.retention.hours})
 * @param validator     rule for parsed values; {@code null} accepts every value of the type
 * @param documentation one or two sentences for {@code --help} and DescribeConfigs
 * @param dynamic       true if it may be changed at run time (AlterConfigs); false: read at start-up
 */
public record ConfigKey(String name, ConfigType type, Object defaultValue, Validator validator, String documentation,
                        boolean dynamic) {

    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        documentation = documentation == null ? "" : documentation;
        if (defaultValue != null && validator != null && !validator.accepts(defaultValue)) {
            throw new IllegalArgumentException(name + ": default " + defaultValue + " is not " + validator.accepted());
        }
    }

    /** A static setting (read at start-up). */
    public static ConfigKey of(String name, ConfigType type, Object defaultValue, Validator validator, String documentation) {
        return new ConfigKey(name, type, defaultValue, validator, documentation, false);
    }

    /** The same setting, changeable at run time. */
    public ConfigKey asDynamic() {
        return new ConfigKey(name, type, defaultValue, validator, documentation, true);
    }

    /** The same setting with another default (a topic setting whose default is the broker's value). */
    public ConfigKey withDefault(Object newDefault) {
        return new ConfigKey(name, type, newDefault, validator, documentation, dynamic);
    }

    /** What a valid value looks like: the validator's words, else the type's. */
    public String accepted() {
        return validator != null ? validator.accepted() : type.accepted();
    }

    /**
     * Parses and validates a raw value (trimmed first).
     *
     * @throws IllegalArgumentException whose message is {@code "'<raw>' is invalid; expected <accepted>"}
     */
    public Object parse(String raw) {
        String v = raw == null ? "" : raw.trim();
        Object parsed = parseType(v);
        if (parsed == null || (validator != null && !validator.accepts(parsed))) {
            throw new IllegalArgumentException("'" + v + "' is invalid; expected " + accepted());
        }
        return parsed;
    }

    /** True if {@code raw} parses and passes the validator. */
    public boolean isValid(String raw) {
        try {
            parse(raw);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The default as text ({@code null} when there is none). */
    public String defaultString() {
        return format(defaultValue);
    }

    /** A parsed value as Kafka prints it: lists comma-joined, everything else as {@code toString}. */
    public static String format(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return value.toString();
    }

    private Object parseType(String v) {
        try {
            return switch (type) {
                case BOOLEAN -> switch (v.toLowerCase(Locale.ROOT)) {
                    case "true" -> Boolean.TRUE;
                    case "false" -> Boolean.FALSE;
                    default -> null;
                };
                case INT -> Integer.parseInt(v);
                case SHORT -> Short.parseShort(v);
                case LONG -> Long.parseLong(v);
                case DOUBLE -> Double.parseDouble(v);
                case LIST -> splitList(v);
                case STRING, CLASS, PASSWORD -> v;
            };
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static List<String> splitList(String v) {
        List<String> items = new ArrayList<>();
        for (String item : v.split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        return List.copyOf(items);
    }
}
