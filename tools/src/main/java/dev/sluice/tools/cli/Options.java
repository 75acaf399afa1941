package dev.sluice.tools.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The options a command accepts, by kind. Help texts live in each command's {@code help()}; this
 * only tells the parser how many values follow each option.
 */
public final class Options {
    /** FLAG: no value; VALUE: exactly one; LIST: one or more, until the next {@code --option}, repeatable. */
    public enum Kind { FLAG, VALUE, LIST }

    private final Map<String, Kind> kinds = new LinkedHashMap<>();

    public Options flag(String... names) {
        return add(Kind.FLAG, names);
    }

    public Options value(String... names) {
        return add(Kind.VALUE, names);
    }

    public Options list(String... names) {
        return add(Kind.LIST, names);
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
}
