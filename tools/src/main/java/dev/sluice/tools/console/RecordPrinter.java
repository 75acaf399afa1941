package dev.sluice.tools.console;

import dev.sluice.client.consumer.ConsumerRecord;

import java.io.PrintStream;

/** How {@code consume} writes one record: Kafka's properties ({@link RecordFormatter}) or a format string ({@link RecordTemplate}). */
interface RecordPrinter {
    void print(ConsumerRecord record, PrintStream out);
}
