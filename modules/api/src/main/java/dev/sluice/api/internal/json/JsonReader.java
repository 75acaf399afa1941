package dev.sluice.api.internal.json;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses JSON text into plain Java values: objects become insertion-ordered {@code Map<String,
 * Object>}s (key order matters: Kafka's schemas list fields in wire order), arrays {@code List}s,
 * integers {@code Long}, other numbers {@code Double}, plus {@code String}, {@code Boolean} and
 * {@code null}. Errors are {@link IllegalArgumentException}s naming the line and column. One
 * instance per parse, on the calling thread; the static entry points may be called from any thread.
 */
public final class JsonReader {

    /** Departures from strict JSON that a caller asks for. */
    public enum Option {
        /** Skip {@code //} and {@code /* *}{@code /} comments as whitespace (Kafka's schema files have them). */
        COMMENTS,
        /** Refuse fractions and exponents (Kafka's znodes hold only integers). */
        INTEGERS_ONLY
    }

    private final String text;
    private final boolean comments;
    private final boolean integersOnly;
    private int pos;

    private JsonReader(String text, Set<Option> options) {
        this.text = text;
        this.comments = options.contains(Option.COMMENTS);
        this.integersOnly = options.contains(Option.INTEGERS_ONLY);
    }

    /** Parses one JSON value that must make up the whole text. */
    public static Object parse(String text, Option... options) {
        Set<Option> set = EnumSet.noneOf(Option.class);
        set.addAll(List.of(options));
        JsonReader reader = new JsonReader(text, set);
        Object value = reader.value();
        reader.skipWhitespace();
        if (reader.pos != text.length()) {
            throw reader.error("trailing characters");
        }
        return value;
    }

    /** Parses a JSON object that must make up the whole text. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text, Option... options) {
        Object value = parse(text, options);
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException("invalid JSON: expected an object");
        }
        return (Map<String, Object>) value;
    }

    private Object value() {
        skipWhitespace();
        char c = peek();
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected character '" + c + "'");
        }
    }

    private Map<String, Object> object() {
        Map<String, Object> map = new LinkedHashMap<>();
        pos++; // '{'
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a member name");
            }
            String key = string();
            skipWhitespace();
            expect(':');
            map.put(key, value());
            skipWhitespace();
            char c = next();
            if (c == '}') {
                return map;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array() {
        List<Object> list = new ArrayList<>();
        pos++; // '['
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return list;
        }
        while (true) {
            list.add(value());
            skipWhitespace();
            char c = next();
            if (c == ']') {
                return list;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string() {
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return sb.toString();
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> sb.append(unicodeEscape());
                default -> {
                    pos--;
                    throw error("bad escape '\\" + e + "'");
                }
            }
        }
    }

    /** The four hex digits after {@code \\u} (a surrogate pair is two escapes, joined by the caller's text). */
    private char unicodeEscape() {
        if (pos + 4 > text.length()) {
            throw error("truncated \\u escape");
        }
        int code = 0;
        for (int i = 0; i < 4; i++) {
            int digit = Character.digit(text.charAt(pos + i), 16);
            if (digit < 0) {
                throw error("bad \\u escape");
            }
            code = code * 16 + digit;
        }
        pos += 4;
        return (char) code;
    }

    private Object number() {
        int start = pos;
        boolean fraction = false;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '.' || c == 'e' || c == 'E') {
                fraction = true;
            } else if (!(c == '-' || c == '+' || (c >= '0' && c <= '9'))) {
                break;
            }
            pos++;
        }
        String n = text.substring(start, pos);
        if (fraction && integersOnly) {
            pos = start;
            throw error("only integers are expected, not '" + n + "'");
        }
        try {
            return fraction ? (Object) Double.parseDouble(n) : (Object) Long.parseLong(n);
        } catch (NumberFormatException e) {
            pos = start;
            throw error("bad number '" + n + "'");
        }
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, pos)) {
            throw error("expected '" + word + "'");
        }
        pos += word.length();
        return value;
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isWhitespace(c)) {
                pos++;
            } else if (comments && text.startsWith("//", pos)) {
                int end = text.indexOf('\n', pos);
                pos = end < 0 ? text.length() : end + 1;
            } else if (comments && text.startsWith("/*", pos)) {
                int end = text.indexOf("*/", pos + 2);
                if (end < 0) {
                    throw error("unterminated comment");
                }
                pos = end + 2;
            } else {
                return;
            }
        }
    }

    private char peek() {
        if (pos >= text.length()) {
            throw error("unexpected end of input");
        }
        return text.charAt(pos);
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    /** Line and column are 1-based and point at the offending character (or just past the end). */
    private IllegalArgumentException error(String what) {
        int at = Math.min(pos, text.length());
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new IllegalArgumentException(
                "invalid JSON at line " + line + ", column " + (at - lineStart + 1) + ": " + what);
    }
}
