package dev.sluice.api.config;

import java.util.List;
import java.util.Locale;

/**
 * A rule a parsed value must follow, and how to say what it accepts in an error message
 * ({@code "an integer >= 1"}). Immutable; any thread.
 */
public interface Validator {

    /** True if the parsed value is acceptable. */
    boolean accepts(Object value);

    /** What is accepted, as the end of "expected ..." (includes the type: "an integer >= 0"). */
    String accepted();

    /** A number (int, short or long) at least {@code min}. */
    static Validator atLeast(long min) {
        return between(min, Long.MAX_VALUE);
    }

    /** A number in {@code [min, max]}. */
    static Validator between(long min, long max) {
        String text = max == Long.MAX_VALUE ? "an integer >= " + min : "an integer between " + min + " and " + max;
        return of(v -> v instanceof Number n && n.longValue() >= min && n.longValue() <= max, text);
    }

    /** -1 (Kafka's "unlimited" or "the system's default") or a number in {@code [min, max]}. */
    static Validator minusOneOrBetween(long min, long max) {
        Validator range = between(min, max);
        return of(v -> v instanceof Number n && (n.longValue() == -1 || range.accepts(v)), "-1 or " + range.accepted());
    }

    /** One of {@code choices}, compared case-insensitively. */
    static Validator oneOf(String... choices) {
        List<String> list = List.of(choices);
        return of(v -> v instanceof String s && list.stream().anyMatch(c -> c.equalsIgnoreCase(s)),
                "one of " + String.join(", ", list));
    }

    /** A string that is not blank. */
    static Validator nonEmpty() {
        return of(v -> !(v instanceof String s) || !s.isBlank(), "a non-empty value");
    }

    /** A list with at least one element. */
    static Validator nonEmptyList() {
        return of(v -> v instanceof List<?> l && !l.isEmpty(), "at least one item");
    }

    static Validator of(java.util.function.Predicate<Object> rule, String accepted) {
        return new Validator() {
            @Override
            public boolean accepts(Object value) {
                return rule.test(value);
            }

            @Override
            public String accepted() {
                return accepted;
            }

            @Override
            public String toString() {
                return accepted.toLowerCase(Locale.ROOT);
            }
        };
    }
}
