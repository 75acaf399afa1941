package dev.sluice.client.admin;

/**
 * The answer of {@link SluiceAdmin#listOffsets} for one partition. For a timestamp lookup with no
 * record at or after it, {@code offset} is -1 (Kafka's convention).
 *
 * @param timestamp the record's timestamp for timestamp lookups, else -1
 */
public record ListedOffset(long offset, long timestamp) {
}
