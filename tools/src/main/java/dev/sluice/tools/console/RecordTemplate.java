package dev.sluice.tools.console;

import dev.sluice.api.internal.json.JsonWriter;
import dev.sluice.api.record.Header;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.tools.cli.UsageException;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code consume --format}: kcat's format string ({@code %t} topic, {@code %p} partition,
 * {@code %o} offset, {@code %k} key, {@code %v} value, {@code %T} timestamp in ms, {@code %h}
 * headers as k=v,..., {@code %K} / {@code %S} key / value length (-1 for null), {@code %%}, and
 * {@code \n \t \r} escapes; a null key or value prints nothing), or {@code json}: one object per
 * line. Parsed once; printing allocates only what the record's fields need. Used by one thread.
 */
final class RecordTemplate implements RecordPrinter {
    /** A literal run of bytes, or one field of the record. */
    private record Part(byte[] literal, char field) {
    }

    private final List<Part> parts;
    private final boolean json;

    private RecordTemplate(List<Part> parts, boolean json) {
        this.parts = parts;
        this.json = json;
    }

    static RecordTemplate parse(String format) throws UsageException {
        if (format.equals("json")) {
            return new RecordTemplate(List.of(), true);
        }
        String text = Escapes.unescape(format);
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%') {
                literal.append(c);
                continue;
            }
            if (i + 1 >= text.length()) {
                throw new UsageException("--format ends with a lone %: write %% for a percent sign");
            }
            char field = text.charAt(++i);
            if (field == '%') {
                literal.append('%');
                continue;
            }
            if ("tpokvThKS".indexOf(field) < 0) {
                throw new UsageException("--format: unknown %" + field
                        + " (known: %t topic, %p partition, %o offset, %k key, %v value, %T timestamp, %h headers, "
                        + "%K key length, %S value length, %% percent)");
            }
            if (!literal.isEmpty()) {
                parts.add(new Part(literal.toString().getBytes(StandardCharsets.UTF_8), '\0'));
                literal.setLength(0);
            }
            parts.add(new Part(null, field));
        }
        if (!literal.isEmpty()) {
            parts.add(new Part(literal.toString().getBytes(StandardCharsets.UTF_8), '\0'));
        }
        return new RecordTemplate(List.copyOf(parts), false);
    }

    @Override
    public void print(ConsumerRecord record, PrintStream out) {
        if (json) {
            out.println(json(record));
            return;
        }
        for (Part part : parts) {
            if (part.literal() != null) {
                out.writeBytes(part.literal());
                continue;
            }
            switch (part.field()) {
                case 't' -> text(out, record.topic());
                case 'p' -> text(out, Integer.toString(record.partition()));
                case 'o' -> text(out, Long.toString(record.offset()));
                case 'T' -> text(out, Long.toString(record.timestamp()));
                case 'k' -> raw(out, record.key());
                case 'v' -> raw(out, record.value());
                case 'K' -> text(out, Integer.toString(record.key() == null ? -1 : record.key().length));
                case 'S' -> text(out, Integer.toString(record.value() == null ? -1 : record.value().length));
                default -> headers(out, record.headers());
            }
        }
    }

    private static void headers(PrintStream out, List<Header> headers) {
        boolean first = true;
        for (Header h : headers) {
            if (!first) {
                out.write(',');
            }
            first = false;
            text(out, h.key());
            out.write('=');
            raw(out, h.value());
        }
    }

    /** Keys, values and header values as UTF-8 text (invalid bytes become U+FFFD). */
    static String json(ConsumerRecord record) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("topic", record.topic());
        row.put("partition", record.partition());
        row.put("offset", record.offset());
        row.put("timestamp", record.timestamp());
        row.put("timestampType", record.timestampType().name());
        row.put("key", string(record.key()));
        row.put("value", string(record.value()));
        List<Object> headers = new ArrayList<>();
        for (Header h : record.headers()) {
            Map<String, Object> header = new LinkedHashMap<>();
            header.put("key", h.key());
            header.put("value", string(h.value()));
            headers.add(header);
        }
        row.put("headers", headers);
        return JsonWriter.write(row, JsonWriter.Others.AS_STRING);
    }

    private static String string(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static void raw(PrintStream out, byte[] bytes) {
        if (bytes != null) {
            out.writeBytes(bytes);
        }
    }

    private static void text(PrintStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
