package dev.sluice.client.admin;

/**
 * Which offset {@link SluiceAdmin#listOffsets} looks up: the first, the log end, or the first
 * record at or after a timestamp. The wire encoding is Kafka's: -2 earliest, -1 latest.
 */
public record OffsetSpec(long timestamp) {
    private static final OffsetSpec EARLIEST = new OffsetSpec(-2L);
    private static final OffsetSpec LATEST = new OffsetSpec(-1L);

    public OffsetSpec {
        if (timestamp < -2) {
            throw new IllegalArgumentException("timestamp must be >= 0 (or -1 latest, -2 earliest): " + timestamp);
        }
    }

    public static OffsetSpec earliest() {
        return EARLIEST;
    }

    public static OffsetSpec latest() {
        return LATEST;
    }

    /** The first offset whose timestamp is at or after {@code epochMs}. */
    public static OffsetSpec forTimestamp(long epochMs) {
        if (epochMs < 0) {
            throw new IllegalArgumentException("timestamp must be >= 0: " + epochMs);
        }
        return new OffsetSpec(epochMs);
    }
}
