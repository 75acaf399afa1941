package dev.sluice.broker.cleaner;

import dev.sluice.api.config.ConfigValues;
import dev.sluice.api.storage.compaction.KeyOffsetMap;

/**
 * The log cleaner's broker settings (Kafka's names and meanings): read at start-up, and all but
 * {@code enable} again when they change at run time ({@link LogCleaner#reconfigure}). Immutable.
 *
 * @param enable              {@code log.cleaner.enable}: without it compacted topics keep every record
 * @param threads             {@code log.cleaner.threads}
 * @param dedupeBufferSize    {@code log.cleaner.dedupe.buffer.size}: shared by the threads, 24 bytes per key
 * @param ioMaxBytesPerSecond {@code log.cleaner.io.max.bytes.per.second}: reads plus writes of all threads
 * @param backoffMs           {@code log.cleaner.backoff.ms}: a thread's sleep when no log needs cleaning
 */
public record CleanerSettings(boolean enable, int threads, long dedupeBufferSize, double ioMaxBytesPerSecond, long backoffMs) {

    public static CleanerSettings from(ConfigValues broker) {
        return new CleanerSettings(broker.getBoolean("log.cleaner.enable"), broker.getInt("log.cleaner.threads"),
                broker.getLong("log.cleaner.dedupe.buffer.size"), (Double) broker.get("log.cleaner.io.max.bytes.per.second"),
                broker.getLong("log.cleaner.backoff.ms"));
    }

    /** How many keys one cleaning may index: each thread's share of the dedupe buffer. */
    public long maxKeysPerCleaning() {
        return Math.max(1, dedupeBufferSize / threads / KeyOffsetMap.BYTES_PER_ENTRY);
    }
}
