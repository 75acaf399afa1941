package dev.sluice.tools.console;

import dev.sluice.tools.cli.DidYouMean;
import dev.sluice.tools.cli.UsageException;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --property name=value} settings of the console producer and consumer: checking
 * the names against those a command knows, and reading the boolean ones.
 *
 * <p>Threads: stateless; called on the command's thread.
 */
final class ConsoleProperties {
    private ConsoleProperties() {
    }

    /** Refuses any name not in {@code known}, suggesting close ones (or listing all). */
    static void requireKnown(Map<String, String> properties, Set<String> known) throws UsageException {
        for (String name : properties.keySet()) {
            if (!known.contains(name)) {
                List<String> close = DidYouMean.closest(name, known);
                throw new UsageException("unknown --property " + name + (close.isEmpty()
                        ? " (known: " + String.join(", ", known.stream().sorted().toList()) + ")"
                        : " (did you mean " + String.join(" or ", close) + "?)"));
            }
        }
    }

    /** {@code true} or {@code false} in any case; {@code defaultValue} when not given. */
    static boolean bool(Map<String, String> properties, String name, boolean defaultValue) throws UsageException {
        String v = properties.get(name);
        if (v == null) {
            return defaultValue;
        }
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw new UsageException("--property " + name + " must be true or false, not '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }
}
