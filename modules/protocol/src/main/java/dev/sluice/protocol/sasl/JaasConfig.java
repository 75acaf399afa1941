package dev.sluice.protocol.sasl;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One login module entry of Kafka's {@code sasl.jaas.config}, e.g.
 * {@code org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="s3cret";}:
 * the module's class name, its control flag and its options. Values are quoted strings (with
 * backslash escapes) or bare words. Only the first entry is read: Kafka allows exactly one. Immutable.
 */
public record JaasConfig(String loginModule, String controlFlag, Map<String, String> options) {

    /** Kafka's PLAIN login module: {@code username}/{@code password}, and on a broker {@code user_<name>} entries. */
    public static final String PLAIN_LOGIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";
    /** Kafka's SCRAM login module: {@code username}/{@code password}. */
    public static final String SCRAM_LOGIN_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";

    public JaasConfig {
        options = Map.copyOf(options);
    }

    /** The option's value, or null. */
    public String option(String name) {
        return options.get(name);
    }

    /**
     * Parses the text of a {@code sasl.jaas.config} setting.
     *
     * @throws IllegalArgumentException saying what is wrong, never echoing option values (they hold passwords)
     */
    public static JaasConfig parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("sasl.jaas.config is empty: expected '<LoginModule class> required key=\"value\" ...;'");
        }
        Tokens t = new Tokens(text);
        String module = t.word("a login module class name");
        String flag = t.word("a control flag (required, requisite, sufficient or optional)");
        if (!flag.equals("required") && !flag.equals("requisite") && !flag.equals("sufficient") && !flag.equals("optional")) {
            throw new IllegalArgumentException("sasl.jaas.config: the control flag after " + module
                    + " must be required, requisite, sufficient or optional (got '" + flag + "')");
        }
        Map<String, String> options = new LinkedHashMap<>();
        while (true) {
            t.skipSpace();
            if (t.atEnd()) {
                throw new IllegalArgumentException("sasl.jaas.config must end with ';'");
            }
            if (t.peek() == ';') {
                t.pos++;
                break;
            }
            String key = t.word("an option name");
            t.skipSpace();
            if (t.atEnd() || t.peek() != '=') {
                throw new IllegalArgumentException("sasl.jaas.config: option " + key + " needs '=' and a value");
            }
            t.pos++;
            options.put(key, t.value(key));
        }
        t.skipSpace();
        if (!t.atEnd()) {
            throw new IllegalArgumentException("sasl.jaas.config: only one login module may be configured");
        }
        return new JaasConfig(module, flag, options);
    }

    @Override
    public String toString() { // never the options' values: passwords
        return "JaasConfig[" + loginModule + " " + controlFlag + " " + options.keySet() + "]";
    }

    /** A cursor over the text. Not thread-safe; used by one parse. */
    private static final class Tokens {
        private final String s;
        int pos;

        Tokens(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        char peek() {
            return s.charAt(pos);
        }

        void skipSpace() {
            while (!atEnd() && Character.isWhitespace(peek())) {
                pos++;
            }
        }

        String word(String what) {
            skipSpace();
            int start = pos;
            while (!atEnd() && !Character.isWhitespace(peek()) && peek() != '=' && peek() != ';' && peek() != '"') {
                pos++;
            }
            if (start == pos) {
                throw new IllegalArgumentException("sasl.jaas.config: expected " + what + " at position " + start);
            }
            return s.substring(start, pos);
        }

        String value(String key) {
            skipSpace();
            if (atEnd() || peek() != '"') {
                return word("a value for " + key);
            }
            pos++;
            StringBuilder b = new StringBuilder();
            while (!atEnd() && peek() != '"') {
                char c = s.charAt(pos++);
                if (c == '\\' && !atEnd()) {
                    c = s.charAt(pos++);
                }
                b.append(c);
            }
            if (atEnd()) {
                throw new IllegalArgumentException("sasl.jaas.config: the value of " + key + " lacks its closing quote");
            }
            pos++;
            return b.toString();
        }
    }
}
