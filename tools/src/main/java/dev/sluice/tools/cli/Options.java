package dev.sluice.tools.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The options a command accepts, by kind. Help texts live in each command's {@code help()}; this
 * only tells the parser how many values follow each option.
 */
public final class Options {
    /**
     * FLAG: no value; VALUE: exactly one, given once; OPTIONAL: a flag that may take one value
     * (Kafka's {@code --list --state [Stable]}); LIST: one or more, until the next {@code --option},
     * repeatable.
     */
    public enum Kind { FLAG, VALUE, OPTIONAL, LIST }

    private final Map<String, Kind> kinds = new LinkedHashMap<>();
    private final java.util.List<String> positional = new java.util.ArrayList<>();
    private final Map<String, String> aliases = new LinkedHashMap<>();

    public Options flag(String... names) {
        return add(Kind.FLAG, names);
    }

    public Options value(String... names) {
        return add(Kind.VALUE, names);
    }

    public Options list(String... names) {
        return add(Kind.LIST, names);
    }

    public Options optional(String... names) {
        return add(Kind.OPTIONAL, names);
    }

    /**
     * Value options that may also be given as bare words, in this order: kafka-transactions.sh's
     * {@code list} / {@code describe <id>} style. A bare word fills the next slot not given yet.
     */
    public Options positional(String... names) {
        value(names);
        positional.addAll(java.util.List.of(names));
        return this;
    }

    java.util.List<String> positionalNames() {
        return positional;
    }

    /** {@code --format json} / {@code -o json} for scripts, as rpk and kcat users type it. */
    public Options format() {
        value("--format");
        aliases.put("-o", "--format");
        return this;
    }

    /** A short spelling of an option, e.g. {@code -o} for {@code --format}. */
    public Options alias(String shortName, String name) {
        aliases.put(shortName, name);
        return this;
    }

    private Options add(Kind kind, String... names) {
        for (String name : names) {
            if (!name.startsWith("--")) {
                throw new IllegalArgumentException("options start with --: " + name);
            }
            kinds.put(name, kind);
        }
        return this;
    }

    Kind kind(String name) {
        return kinds.get(name);
    }

    /** The option a short spelling stands for, or the name itself. */
    String canonical(String name) {
        return aliases.getOrDefault(name, name);
    }

    boolean isAlias(String word) {
        return aliases.containsKey(word);
    }

    java.util.Set<String> names() {
        return kinds.keySet();
    }
}
