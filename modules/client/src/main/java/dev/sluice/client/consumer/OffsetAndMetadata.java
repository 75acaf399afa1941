package dev.sluice.client.consumer;

/**
 * A committed position: the offset of the next record to read, and a free-form note stored with
 * it ({@code ""} if none).
 */
public record OffsetAndMetadata(long offset, String metadata) {
    public OffsetAndMetadata {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, was " + offset);
        }
        metadata = metadata == null ? "" : metadata;
    }

    public OffsetAndMetadata(long offset) {
        this(offset, "");
    }
}
