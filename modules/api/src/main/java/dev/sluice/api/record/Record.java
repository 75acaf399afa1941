package dev.sluice.api.record;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * One decoded record. {@code key} and {@code value} are read-only views (null when absent) into
 * the batch or into its decompressed records; copy them if they must outlive that buffer.
 */
public record Record(long offset, long timestamp, ByteBuffer key, ByteBuffer value, List<Header> headers) {

    public byte[] keyBytes() {
        return bytes(key);
    }

    public byte[] valueBytes() {
        return bytes(value);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
