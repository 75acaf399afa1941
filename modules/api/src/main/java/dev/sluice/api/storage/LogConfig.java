package dev.sluice.api.storage;

import java.util.Map;

/**
 * Per-partition log settings, named as Kafka's topic configs are.
 *
 * @param segmentBytes     roll a segment when it would exceed this size ({@code segment.bytes})
 * @param segmentMs        roll a segment older than this ({@code segment.ms})
 * @param retentionMs      delete segments whose newest record is older; -1 = forever ({@code retention.ms})
 * @param retentionBytes   delete oldest segments while the log is larger; -1 = unlimited ({@code retention.bytes})
 * @param flushMessages    fsync after this many records; Long.MAX_VALUE = leave it to the OS ({@code flush.messages})
 * @param flushMs          fsync when the last one is older than this; Long.MAX_VALUE = never ({@code flush.ms})
 * @param indexIntervalBytes bytes between sparse index entries ({@code index.interval.bytes})
 * @param maxIndexBytes    size of a segment's offset / time index file ({@code segment.index.bytes})
 * @param fileDeleteDelayMs how long a deleted segment's files stay readable (renamed) before they
 *                         are removed, so reads already handed out finish ({@code file.delete.delay.ms})
 */
public record LogConfig(int segmentBytes, long segmentMs, long retentionMs, long retentionBytes,
                        long flushMessages, long flushMs, int indexIntervalBytes, int maxIndexBytes,
                        long fileDeleteDelayMs) {

    public static final int DEFAULT_SEGMENT_BYTES = 1024 * 1024 * 1024;
    public static final long DEFAULT_SEGMENT_MS = 7L * 24 * 60 * 60 * 1000;
    public static final long DEFAULT_RETENTION_MS = 7L * 24 * 60 * 60 * 1000;
    public static final int DEFAULT_INDEX_INTERVAL_BYTES = 4096;
    public static final int DEFAULT_MAX_INDEX_BYTES = 10 * 1024 * 1024;
    public static final long DEFAULT_FILE_DELETE_DELAY_MS = 60_000;

    public static final LogConfig DEFAULT = new LogConfig(DEFAULT_SEGMENT_BYTES, DEFAULT_SEGMENT_MS,
            DEFAULT_RETENTION_MS, -1, Long.MAX_VALUE, Long.MAX_VALUE, DEFAULT_INDEX_INTERVAL_BYTES, DEFAULT_MAX_INDEX_BYTES,
            DEFAULT_FILE_DELETE_DELAY_MS);

    /** Settings with the default {@code file.delete.delay.ms}. */
    public LogConfig(int segmentBytes, long segmentMs, long retentionMs, long retentionBytes,
                     long flushMessages, long flushMs, int indexIntervalBytes, int maxIndexBytes) {
        this(segmentBytes, segmentMs, retentionMs, retentionBytes, flushMessages, flushMs, indexIntervalBytes, maxIndexBytes,
                DEFAULT_FILE_DELETE_DELAY_MS);
    }

    public LogConfig {
        if (segmentBytes < 1024) {
            throw new IllegalArgumentException("segment.bytes must be at least 1024, was " + segmentBytes);
        }
        if (segmentMs < 1) {
            throw new IllegalArgumentException("segment.ms must be positive, was " + segmentMs);
        }
        if (retentionMs < -1 || retentionBytes < -1) {
            throw new IllegalArgumentException("retention.ms and retention.bytes must be >= -1");
        }
        if (flushMessages < 1 || flushMs < 0) {
            throw new IllegalArgumentException("flush.messages must be >= 1 and flush.ms >= 0");
        }
        if (indexIntervalBytes < 0 || maxIndexBytes < 64) {
            throw new IllegalArgumentException("index.interval.bytes must be >= 0 and segment.index.bytes >= 64");
        }
        if (fileDeleteDelayMs < 0) {
            throw new IllegalArgumentException("file.delete.delay.ms must be >= 0, was " + fileDeleteDelayMs);
        }
    }

    /** True when every append must reach the disk before it is acknowledged. */
    public boolean fsyncEveryAppend() {
        return flushMessages == 1;
    }

    public LogConfig withSegmentBytes(int v) {
        return new LogConfig(v, segmentMs, retentionMs, retentionBytes, flushMessages, flushMs, indexIntervalBytes,
                maxIndexBytes, fileDeleteDelayMs);
    }

    public LogConfig withSegmentMs(long v) {
        return new LogConfig(segmentBytes, v, retentionMs, retentionBytes, flushMessages, flushMs, indexIntervalBytes,
                maxIndexBytes, fileDeleteDelayMs);
    }

    public LogConfig withRetentionMs(long v) {
        return new LogConfig(segmentBytes, segmentMs, v, retentionBytes, flushMessages, flushMs, indexIntervalBytes,
                maxIndexBytes, fileDeleteDelayMs);
    }

    public LogConfig withRetentionBytes(long v) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, v, flushMessages, flushMs, indexIntervalBytes,
                maxIndexBytes, fileDeleteDelayMs);
    }

    public LogConfig withFlush(long messages, long ms) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, messages, ms, indexIntervalBytes,
                maxIndexBytes, fileDeleteDelayMs);
    }

    public LogConfig withIndex(int intervalBytes, int maxBytes) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, flushMessages, flushMs, intervalBytes,
                maxBytes, fileDeleteDelayMs);
    }

    public LogConfig withFileDeleteDelayMs(long v) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, flushMessages, flushMs, indexIntervalBytes,
                maxIndexBytes, v);
    }

    /** Overrides from Kafka-named topic configs; unknown keys are ignored here (the broker validates them). */
    public LogConfig withOverrides(Map<String, String> configs) {
        LogConfig c = this;
        for (Map.Entry<String, String> e : configs.entrySet()) {
            String v = e.getValue().trim();
            c = switch (e.getKey()) {
                case "segment.bytes" -> c.withSegmentBytes(Integer.parseInt(v));
                case "segment.ms" -> c.withSegmentMs(Long.parseLong(v));
                case "retention.ms" -> c.withRetentionMs(Long.parseLong(v));
                case "retention.bytes" -> c.withRetentionBytes(Long.parseLong(v));
                case "flush.messages" -> c.withFlush(Long.parseLong(v), c.flushMs);
                case "flush.ms" -> c.withFlush(c.flushMessages, Long.parseLong(v));
                case "index.interval.bytes" -> c.withIndex(Integer.parseInt(v), c.maxIndexBytes);
                case "segment.index.bytes" -> c.withIndex(c.indexIntervalBytes, Integer.parseInt(v));
                case "file.delete.delay.ms" -> c.withFileDeleteDelayMs(Long.parseLong(v));
                default -> c;
            };
        }
        return c;
    }
}
