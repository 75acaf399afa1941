package dev.sluice.tools.console;

import dev.sluice.api.record.Header;
import dev.sluice.tools.cli.CommandFailure;
import dev.sluice.tools.cli.UsageException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one line of input into a record's key, value and headers, with the properties of Kafka's
 * console producer (LineMessageReader): {@code parse.key}, {@code key.separator} (tab),
 * {@code parse.headers} ({@code h1:v1,h2:v2<headers.delimiter>}...), {@code null.marker} and
 * {@code ignore.error}.
 */
final class LineParser {
    static final Set<String> PROPERTIES = Set.of("parse.key", "key.separator", "parse.headers", "headers.delimiter",
            "headers.separator", "headers.key.separator", "null.marker", "ignore.error");

    /** A parsed line; key and value may be null (null.marker). */
    record Parsed(byte[] key, byte[] value, List<Header> headers) {
    }

    private final boolean parseKey;
    private final String keySeparator;
    private final boolean parseHeaders;
    private final String headersDelimiter;
    private final String headersSeparator;
    private final String headerKeySeparator;
    private final String nullMarker;
    private final boolean ignoreError;

    LineParser(Map<String, String> properties) throws UsageException {
        ConsoleProperties.requireKnown(properties, PROPERTIES);
        parseKey = ConsoleProperties.bool(properties, "parse.key", false);
        keySeparator = Escapes.unescape(properties.getOrDefault("key.separator", "\t"));
        parseHeaders = ConsoleProperties.bool(properties, "parse.headers", false);
        headersDelimiter = Escapes.unescape(properties.getOrDefault("headers.delimiter", "\t"));
        headersSeparator = Escapes.unescape(properties.getOrDefault("headers.separator", ","));
        headerKeySeparator = Escapes.unescape(properties.getOrDefault("headers.key.separator", ":"));
        nullMarker = properties.get("null.marker");
        ignoreError = ConsoleProperties.bool(properties, "ignore.error", false);
        if (keySeparator.isEmpty() || headersDelimiter.isEmpty()) {
            throw new UsageException("key.separator and headers.delimiter cannot be empty");
        }
    }

    Parsed parse(String line, long lineNumber) {
        String rest = line;
        List<Header> headers = List.of();
        if (parseHeaders) {
            int at = rest.indexOf(headersDelimiter);
            if (at < 0) {
                fail(lineNumber, "no headers delimiter '" + Escapes.show(headersDelimiter) + "'", line);
            } else {
                headers = headers(rest.substring(0, at), lineNumber, line);
                rest = rest.substring(at + headersDelimiter.length());
            }
        }
        String key = null;
        if (parseKey) {
            int at = rest.indexOf(keySeparator);
            if (at < 0) {
                fail(lineNumber, "no key separator '" + Escapes.show(keySeparator) + "'", line);
            } else {
                key = rest.substring(0, at);
                rest = rest.substring(at + keySeparator.length());
            }
        }
        return new Parsed(bytes(key), bytes(rest), headers);
    }

    private List<Header> headers(String text, long lineNumber, String line) {
        List<Header> out = new ArrayList<>();
        if (text.isEmpty()) {
            return out;
        }
        for (String pair : text.split(java.util.regex.Pattern.quote(headersSeparator), -1)) {
            int at = pair.indexOf(headerKeySeparator);
            if (at <= 0) {
                fail(lineNumber, "header '" + pair + "' has no key separator '" + headerKeySeparator + "'", line);
                continue;
            }
            out.add(new Header(pair.substring(0, at), bytes(pair.substring(at + headerKeySeparator.length()))));
        }
        return out;
    }

    private byte[] bytes(String s) {
        return s == null || s.equals(nullMarker) ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /** With ignore.error the line is still sent (as value, without key), as Kafka does. */
    private void fail(long lineNumber, String problem, String line) {
        if (!ignoreError) {
            throw new CommandFailure("line " + lineNumber + ": " + problem + " in '" + line
                    + "' (fix the input, or add --property ignore.error=true to send such lines as values)");
        }
    }
}
