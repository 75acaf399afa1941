package dev.sluice.api.security;

/**
 * The lookups every {@link KafkaCoded} enum answers, built once per enum: by wire code (a table indexed by
 * the code, no search and no {@code values()} copy per call) and by name, each falling back to the enum's
 * UNKNOWN value as Kafka's enums do. Immutable; any thread.
 */
final class KafkaCodes<E extends Enum<E> & KafkaCoded> {
    private final E[] values;
    private final E[] byCode;
    private final E unknown;

    @SuppressWarnings("unchecked")
    KafkaCodes(E[] values, E unknown) {
        this.values = values;
        this.unknown = unknown;
        int max = 0;
        for (E e : values) {
            max = Math.max(max, e.code());
        }
        this.byCode = (E[]) java.lang.reflect.Array.newInstance(unknown.getDeclaringClass(), max + 1);
        for (E e : values) {
            byCode[e.code()] = e;
        }
    }

    /** The value of a wire code; UNKNOWN for codes this broker does not know. */
    E fromCode(byte code) {
        E e = code >= 0 && code < byCode.length ? byCode[code] : null;
        return e != null ? e : unknown;
    }

    /** The value with Kafka's name ({@code Topic}) or the constant's ({@code TOPIC}, {@code topic}), case-insensitive; else UNKNOWN. */
    E fromName(String name) {
        for (E e : values) {
            if (e.kafkaName().equalsIgnoreCase(name) || e.name().equalsIgnoreCase(name)) {
                return e;
            }
        }
        return unknown;
    }
}
