package dev.sluice.api.internal.json;

import java.util.Iterator;
import java.util.Map;

/**
 * Writes compact JSON (RFC 8259, no spaces) from plain Java values: {@code Map} (an object, keys in
 * the map's iteration order), {@code Iterable} (an array), {@code String}, {@code Number},
 * {@code Boolean} and {@code null} (NaN and infinities are no JSON numbers: refused, or written
 * as strings under {@link Others#AS_STRING}). Kafka's znodes and the CLI's {@code --format json} both use
 * this one layout. Stateless; any thread.
 */
public final class JsonWriter {

    /** What to do with a value that is none of the JSON kinds above. */
    public enum Others {
        /** Refuse it ({@link IllegalArgumentException}): the caller built a value it did not mean to. */
        REJECT,
        /** Write its {@code toString()} as a JSON string (the CLI prints enums, ids and the like). */
        AS_STRING
    }

    private JsonWriter() {
    }

    /** The JSON text of {@code value}; anything outside the JSON kinds is refused. */
    public static String write(Object value) {
        return write(value, Others.REJECT);
    }

    public static String write(Object value, Others others) {
        StringBuilder out = new StringBuilder(128);
        write(value, others, out);
        return out.toString();
    }

    private static void write(Object value, Others others, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            writeString(s, out);
        } else if (value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Number n) {
            if (!finite(n)) { // JSON has no NaN or infinity: the text would not parse back
                if (others != Others.AS_STRING) {
                    throw new IllegalArgumentException("JSON has no number " + n);
                }
                writeString(n.toString(), out);
            } else {
                out.append(n);
            }
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                writeString(String.valueOf(e.getKey()), out);
                out.append(':');
                write(e.getValue(), others, out);
            }
            out.append('}');
        } else if (value instanceof Iterable<?> items) {
            out.append('[');
            for (Iterator<?> it = items.iterator(); it.hasNext(); ) {
                write(it.next(), others, out);
                if (it.hasNext()) {
                    out.append(',');
                }
            }
            out.append(']');
        } else if (others == Others.AS_STRING) {
            writeString(String.valueOf(value), out);
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }

    private static boolean finite(Number n) {
        return !(n instanceof Double d && !Double.isFinite(d)) && !(n instanceof Float f && !Float.isFinite(f));
    }

    /**
     * A JSON string literal: quote, backslash and control characters escaped (the common ones by
     * their short form), everything else as is (the text is UTF-8, so non-ASCII needs no escape).
     */
    static void writeString(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();
}
