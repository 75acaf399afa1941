package dev.sluice.tools.console;

import dev.sluice.api.record.Header;
import dev.sluice.api.record.TimestampType;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.tools.cli.UsageException;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * Prints a record as Kafka's console consumer does (DefaultMessageFormatter): optional
 * {@code CreateTime:ts}, {@code Partition:p}, {@code Offset:o}, headers and key, each followed by
 * {@code key.separator}, then the value and {@code line.separator}. Keys and values are written
 * as their raw bytes.
 */
final class RecordFormatter implements RecordPrinter {
    static final Set<String> PROPERTIES = Set.of("print.key", "print.value", "print.timestamp", "print.partition",
            "print.offset", "print.headers", "key.separator", "line.separator", "headers.separator",
            "headers.key.separator", "null.literal");

    private final boolean printKey;
    private final boolean printValue;
    private final boolean printTimestamp;
    private final boolean printPartition;
    private final boolean printOffset;
    private final boolean printHeaders;
    private final byte[] keySeparator;
    private final byte[] lineSeparator;
    private final byte[] headersSeparator;
    private final byte[] headerKeySeparator;
    private final byte[] nullLiteral;

    RecordFormatter(Map<String, String> properties) throws UsageException {
        ConsoleProperties.requireKnown(properties, PROPERTIES);
        printKey = ConsoleProperties.bool(properties, "print.key", false);
        printValue = ConsoleProperties.bool(properties, "print.value", true);
        printTimestamp = ConsoleProperties.bool(properties, "print.timestamp", false);
        printPartition = ConsoleProperties.bool(properties, "print.partition", false);
        printOffset = ConsoleProperties.bool(properties, "print.offset", false);
        printHeaders = ConsoleProperties.bool(properties, "print.headers", false);
        keySeparator = bytes(properties.getOrDefault("key.separator", "\t"));
        lineSeparator = bytes(properties.getOrDefault("line.separator", "\n"));
        headersSeparator = bytes(properties.getOrDefault("headers.separator", ","));
        headerKeySeparator = bytes(properties.getOrDefault("headers.key.separator", ":"));
        nullLiteral = bytes(properties.getOrDefault("null.literal", "null"));
    }

    private static byte[] bytes(String s) {
        return Escapes.unescape(s).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void print(ConsumerRecord record, PrintStream out) {
        if (printTimestamp) {
            String type = record.timestampType() == TimestampType.LOG_APPEND_TIME ? "LogAppendTime" : "CreateTime";
            text(out, type + ":" + record.timestamp());
            separator(out, printPartition || printOffset || printHeaders || printKey || printValue);
        }
        if (printPartition) {
            text(out, "Partition:" + record.partition());
            separator(out, printOffset || printHeaders || printKey || printValue);
        }
        if (printOffset) {
            text(out, "Offset:" + record.offset());
            separator(out, printHeaders || printKey || printValue);
        }
        if (printHeaders) {
            if (record.headers().isEmpty()) {
                text(out, "NO_HEADERS");
            }
            boolean first = true;
            for (Header h : record.headers()) {
                if (!first) {
                    out.writeBytes(headersSeparator);
                }
                first = false;
                text(out, h.key());
                out.writeBytes(headerKeySeparator);
                raw(out, h.value());
            }
            separator(out, printKey || printValue);
        }
        if (printKey) {
            raw(out, record.key());
            separator(out, printValue);
        }
        if (printValue) {
            raw(out, record.value());
        }
        out.writeBytes(lineSeparator);
    }

    private void separator(PrintStream out, boolean more) {
        if (more) {
            out.writeBytes(keySeparator);
        }
    }

    private void raw(PrintStream out, byte[] bytes) {
        out.writeBytes(bytes == null ? nullLiteral : bytes);
    }

    private static void text(PrintStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
