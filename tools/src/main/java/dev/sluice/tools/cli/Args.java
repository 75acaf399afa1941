package dev.sluice.tools.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed command line: {@code --name value}, {@code --name=value}, flags, and list options
 * that take every following word up to the next {@code --option} (Kafka's
 * {@code --property a=1 b=2} and {@code --producer-props} style). Anything unknown is a
 * {@link UsageException} with the closest known names, and a single-valued option given twice is
 * one too, so a typo never silently changes what a command does.
 */
public final class Args {
    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final java.util.Set<String> flagsGiven = new java.util.HashSet<>();

    private Args() {
    }

    public static Args parse(String[] argv, Options options) throws UsageException {
        Args args = new Args();
        for (int i = 0; i < argv.length; i++) {
            String word = options.canonical(argv[i]);
            if (!word.startsWith("-")) {
                String slot = options.positionalNames().stream().filter(n -> !args.values.containsKey(n)).findFirst().orElse(null);
                if (slot != null) {
                    args.values.put(slot, new ArrayList<>(List.of(word)));
                    continue;
                }
            }
            if (!word.startsWith("--")) {
                throw new UsageException("unexpected argument '" + word + "'" + DidYouMean.hint("--" + word, options.names()));
            }
            String name = word;
            String inline = null;
            int eq = word.indexOf('=');
            if (eq > 0) {
                name = word.substring(0, eq);
                inline = word.substring(eq + 1);
            }
            Options.Kind kind = options.kind(name);
            if (kind == null) {
                throw new UsageException("unknown option " + name + DidYouMean.hint(name, options.names()));
            }
            List<String> list = args.values.computeIfAbsent(name, n -> new ArrayList<>());
            switch (kind) {
                case FLAG -> {
                    if (inline != null) {
                        throw new UsageException(name + " takes no value");
                    }
                }
                case VALUE -> {
                    if (inline == null && i + 1 >= argv.length) {
                        throw new UsageException(name + " needs a value");
                    }
                    String value = inline != null ? inline : argv[++i];
                    if (!list.isEmpty()) { // "last one wins" would hide a mistake in a long command line
                        throw new UsageException(name + " is given twice ('" + list.get(0) + "' and '" + value
                                + "'): give it once");
                    }
                    list.add(value);
                }
                case OPTIONAL -> {
                    if (!list.isEmpty() || args.flagsGiven.contains(name)) {
                        throw new UsageException(name + " is given twice: give it once");
                    }
                    args.flagsGiven.add(name);
                    if (inline != null) {
                        list.add(inline);
                    } else if (i + 1 < argv.length && !argv[i + 1].startsWith("-")) {
                        list.add(argv[++i]);
                    }
                }
                case LIST -> {
                    if (inline != null) {
                        list.add(inline);
                    }
                    while (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
                        list.add(argv[++i]);
                    }
                    if (list.isEmpty()) {
                        throw new UsageException(name + " needs at least one value");
                    }
                }
            }
        }
        return args;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** The value, or null if the option is absent. */
    public String value(String name) {
        List<String> list = values.get(name);
        return list == null || list.isEmpty() ? null : list.get(list.size() - 1);
    }

    public String value(String name, String defaultValue) {
        String v = value(name);
        return v == null ? defaultValue : v;
    }

    public String required(String name) throws UsageException {
        String v = value(name);
        if (v == null) {
            throw new UsageException("missing " + name);
        }
        return v;
    }

    public List<String> values(String name) {
        return List.copyOf(values.getOrDefault(name, List.of()));
    }

    public long longValue(String name, long defaultValue) throws UsageException {
        String v = value(name);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be a whole number, not '" + v + "'");
        }
    }

    public int intValue(String name, int defaultValue) throws UsageException {
        long v = longValue(name, defaultValue);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new UsageException(name + " is out of range: " + v);
        }
        return (int) v;
    }

    public double doubleValue(String name, double defaultValue) throws UsageException {
        String v = value(name);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be a number, not '" + v + "'");
        }
    }

    /** The values of a list option as {@code key=value} pairs, in order. */
    public Map<String, String> keyValues(String name) throws UsageException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String entry : values(name)) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new UsageException(name + " takes key=value, not '" + entry + "'");
            }
            out.put(entry.substring(0, eq).trim(), entry.substring(eq + 1));
        }
        return out;
    }

    /** At most one of these options may be given; returns it, or null. */
    public String oneOfOrNone(String... names) throws UsageException {
        String found = null;
        for (String name : names) {
            if (has(name)) {
                if (found != null) {
                    throw new UsageException(found + " and " + name + " cannot be combined");
                }
                found = name;
            }
        }
        return found;
    }

    /** Exactly one of these options must be given; returns it. */
    public String oneOf(String... names) throws UsageException {
        String found = oneOfOrNone(names);
        if (found == null) {
            throw new UsageException("give one of " + String.join(", ", names));
        }
        return found;
    }
}
