package dev.sluice.protocol.wire;

import dev.sluice.api.storage.LogSlice;
import dev.sluice.protocol.Send;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Writes Kafka's primitive encodings into a chain of heap chunks, in one pass. A full chunk is
 * kept as is and a larger one started (nothing is copied to grow), and record data is appended as
 * its own part: a {@link LogSlice} stays a file region to be sent with transferTo, a ByteBuffer is
 * referenced, not copied. {@link #toSend()} hands the parts to a {@link Send}.
 */
public final class WireWriter {
    private static final int MAX_CHUNK = 1 << 20;

    private final List<Object> parts = new ArrayList<>(); // finished ByteBuffers (flipped) and LogSlices
    private ByteBuffer current;
    private int nextChunkSize;
    private long finishedBytes;

    public WireWriter() {
        this(256);
    }

    public WireWriter(int initialChunkSize) {
        this.nextChunkSize = Math.max(16, initialChunkSize);
        this.current = ByteBuffer.allocate(nextChunkSize);
    }

    /** Bytes written so far. */
    public long size() {
        return finishedBytes + current.position();
    }

    public void bool(boolean v) {
        int8((byte) (v ? 1 : 0));
    }

    public void int8(byte v) {
        ensure(1).put(v);
    }

    public void int16(short v) {
        ensure(2).putShort(v);
    }

    public void int32(int v) {
        ensure(4).putInt(v);
    }

    public void int64(long v) {
        ensure(8).putLong(v);
    }

    public void float64(double v) {
        ensure(8).putDouble(v);
    }

    public void uuid(UUID v) {
        ensure(16).putLong(v.getMostSignificantBits()).putLong(v.getLeastSignificantBits());
    }

    public void unsignedVarint(int v) {
        ByteBuffer b = ensure(5);
        while ((v & 0xFFFFFF80) != 0) {
            b.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        b.put((byte) v);
    }

    /** Copies bytes into the current chunk (for small values: strings, bytes fields). */
    public void bytes(byte[] v) {
        ensure(v.length).put(v);
    }

    public void bytes(ByteBuffer v) {
        ensure(v.remaining()).put(v.duplicate());
    }

    /** Appends a buffer by reference (zero copy): its bytes must not change until sent. */
    public void attach(ByteBuffer v) {
        if (v.remaining() < 512) {
            bytes(v); // a copy is cheaper than another gathering-write part
            return;
        }
        finishChunk();
        parts.add(v.duplicate());
        finishedBytes += v.remaining();
    }

    /** Appends a log slice; it stays a file region and is sent with transferTo. */
    public void attach(LogSlice slice) {
        if (slice.sizeInBytes() == 0) {
            return;
        }
        finishChunk();
        parts.add(slice);
        finishedBytes += slice.sizeInBytes();
    }

    /**
     * Reserves 4 bytes for an int32 filled in later with {@link #patchInt32}; returns the handle.
     * Used for the frame size prefix, known only at the end.
     */
    public Reservation reserveInt32() {
        ByteBuffer chunk = ensure(4);
        Reservation r = new Reservation(chunk, chunk.position());
        chunk.putInt(0);
        return r;
    }

    public void patchInt32(Reservation at, int value) {
        at.chunk.putInt(at.offset, value);
    }

    /** Where a reserved int32 sits. */
    public static final class Reservation {
        private final ByteBuffer chunk;
        private final int offset;

        private Reservation(ByteBuffer chunk, int offset) {
            this.chunk = chunk;
            this.offset = offset;
        }
    }

    /** The written parts as a Send. The writer must not be used afterwards. */
    public Send toSend() {
        finishChunk();
        Send.Builder builder = Send.builder();
        for (Object part : parts) {
            if (part instanceof ByteBuffer b) {
                builder.add(b);
            } else {
                builder.add((LogSlice) part);
            }
        }
        return builder.build();
    }

    /**
     * The written bytes as one buffer (copying). For small encodings such as tagged fields;
     * fails if a log slice was attached.
     */
    public ByteBuffer toByteBuffer() {
        finishChunk();
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(finishedBytes));
        for (Object part : parts) {
            if (!(part instanceof ByteBuffer b)) {
                throw new IllegalStateException("a log slice cannot be flattened into a buffer");
            }
            out.put(b.duplicate());
        }
        return out.flip();
    }

    private ByteBuffer ensure(int n) {
        if (current.remaining() < n) {
            finishChunk();
            nextChunkSize = Math.min(MAX_CHUNK, nextChunkSize * 2);
            current = ByteBuffer.allocate(Math.max(n, nextChunkSize));
        }
        return current;
    }

    private void finishChunk() {
        if (current.position() > 0) {
            ByteBuffer done = current.duplicate().flip();
            parts.add(done);
            finishedBytes += done.remaining();
            current = current.slice(); // the rest of the chunk stays usable
        }
    }
}
