package dev.sluice.bench.storage;

import dev.sluice.api.record.RecordBatchBuilder;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.ByteBuffer;
import java.util.Random;

/**
 * One uncompressed v2 record batch of about {@value #TARGET_BATCH_BYTES} bytes, built once per
 * trial, of records whose values are {@code recordSize} random bytes (no key, no headers).
 */
@State(Scope.Thread)
public class TestBatch {
    /** Roughly what a producer with batch.size=32768 sends. */
    static final int TARGET_BATCH_BYTES = 32 * 1024;

    @Param({"1024", "100"})
    public int recordSize;

    private ByteBuffer prebuilt;
    private ByteBuffer reusable;
    private int records;

    @Setup
    public void build() {
        records = Math.max(1, TARGET_BATCH_BYTES / recordSize);
        Random random = new Random(42);
        RecordBatchBuilder builder = new RecordBatchBuilder(null);
        long now = System.currentTimeMillis();
        for (int i = 0; i < records; i++) {
            byte[] value = new byte[recordSize];
            random.nextBytes(value);
            builder.append(now, null, value);
        }
        prebuilt = builder.build().asReadOnlyBuffer();
        // direct, so FileChannel.write does not add a hidden copy into its own temporary direct buffer
        reusable = ByteBuffer.allocateDirect(prebuilt.remaining());
    }

    /**
     * The batch, freshly copied into a reused buffer: append rewrites the base offset in place,
     * so every append needs its own copy (as every produce request brings one).
     */
    ByteBuffer freshCopy() {
        reusable.clear();
        reusable.put(prebuilt.duplicate());
        return reusable.flip();
    }

    int sizeInBytes() {
        return prebuilt.remaining();
    }

    int records() {
        return records;
    }
}
