package dev.sluice.broker.network;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Kafka's {@code ssl.principal.mapping.rules}: turns a client certificate's subject (the distinguished
 * name as RFC 2253 writes it, {@code CN=alice,OU=eng,O=Acme}) into the user name of its principal.
 * Rules, comma-separated, are tried in order and the first that matches wins: {@code DEFAULT} keeps the
 * whole name; {@code RULE:pattern/replacement/} applies when the Java regex matches the whole name and
 * gives the name with the match replaced ({@code $1} for groups), followed by {@code L} or {@code U} to
 * lower- or upper-case it. A {@code /} inside a pattern or replacement is written {@code \/}. Example:
 * {@code RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/,DEFAULT}. Immutable; any thread.
 */
public final class SslPrincipalMapper {
    /** Kafka's default: the distinguished name unchanged. */
    public static final SslPrincipalMapper DEFAULT = new SslPrincipalMapper(List.of(Rule.KEEP));

    private final List<Rule> rules;

    private SslPrincipalMapper(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** One rule: {@link #KEEP} (DEFAULT), or a pattern with its replacement and case change. */
    private record Rule(Pattern pattern, String replacement, char caseChange) {
        static final Rule KEEP = new Rule(null, null, ' ');

        Optional<String> apply(String distinguishedName) {
            if (pattern == null) {
                return Optional.of(distinguishedName);
            }
            Matcher m = pattern.matcher(distinguishedName);
            if (!m.matches()) {
                return Optional.empty();
            }
            String result = m.replaceAll(replacement);
            return Optional.of(switch (caseChange) {
                case 'L' -> result.toLowerCase(Locale.ENGLISH);
                case 'U' -> result.toUpperCase(Locale.ENGLISH);
                default -> result;
            });
        }
    }

    /**
     * Parses the setting's value.
     *
     * @throws IllegalArgumentException naming the rule that does not parse
     */
    public static SslPrincipalMapper parse(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT;
        }
        List<Rule> rules = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            i = skipSpaces(text, i);
            if (text.startsWith("DEFAULT", i)) {
                rules.add(Rule.KEEP);
                i += "DEFAULT".length();
            } else if (text.startsWith("RULE:", i)) {
                int start = i;
                StringBuilder pattern = new StringBuilder();
                i = readUntilSlash(text, i + "RULE:".length(), pattern, start);
                StringBuilder replacement = new StringBuilder();
                i = readUntilSlash(text, i, replacement, start);
                char caseChange = ' ';
                if (i < n && (text.charAt(i) == 'L' || text.charAt(i) == 'U')) {
                    caseChange = text.charAt(i++);
                }
                try {
                    rules.add(new Rule(Pattern.compile(pattern.toString()), replacement.toString(), caseChange));
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("invalid pattern in rule '" + text.substring(start, i) + "': "
                            + e.getDescription());
                }
            } else {
                throw new IllegalArgumentException("rules are DEFAULT or RULE:pattern/replacement/[LU], comma-separated; "
                        + "cannot read '" + text.substring(i) + "'");
            }
            i = skipSpaces(text, i);
            if (i < n) {
                if (text.charAt(i) != ',') {
                    throw new IllegalArgumentException("expected ',' between rules at '" + text.substring(i) + "'");
                }
                i++;
            }
        }
        return new SslPrincipalMapper(rules);
    }

    /**
     * The user name for {@code distinguishedName}.
     *
     * @throws IllegalArgumentException when no rule applies (Kafka then refuses the connection)
     */
    public String userName(String distinguishedName) {
        for (Rule rule : rules) {
            Optional<String> name = rule.apply(distinguishedName);
            if (name.isPresent()) {
                return name.get();
            }
        }
        throw new IllegalArgumentException("no ssl.principal.mapping.rules rule applies to '" + distinguishedName + "'");
    }

    /** Reads up to an unescaped '/', keeping escapes as written (the regex and the replacement read them). */
    private static int readUntilSlash(String text, int i, StringBuilder out, int ruleStart) {
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                out.append(c).append(text.charAt(i + 1));
                i += 2;
            } else if (c == '/') {
                return i + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        throw new IllegalArgumentException("rule '" + text.substring(ruleStart) + "' is not RULE:pattern/replacement/[LU]");
    }

    private static int skipSpaces(String text, int i) {
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }
}
