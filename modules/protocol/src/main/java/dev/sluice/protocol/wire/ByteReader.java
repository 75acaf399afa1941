package dev.sluice.protocol.wire;

import dev.sluice.protocol.ProtocolException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Reads Kafka's primitive encodings from a buffer, checking every read and every declared length
 * against the bytes left, so that bad input fails with a {@link ProtocolException} naming what was
 * being read, never with an underflow or a huge allocation.
 */
public final class ByteReader {
    private static final int SCRATCH_BYTES = 256; // covers client ids, topic and group names
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[SCRATCH_BYTES]);

    private final ByteBuffer buffer;
    private Object context = "message";

    public ByteReader(ByteBuffer buffer) {
        this.buffer = buffer.slice().order(ByteOrder.BIG_ENDIAN);
    }

    /** Names what is being read, for error messages (e.g. the current field). */
    public void context(Object what) {
        this.context = what;
    }

    public int remaining() {
        return buffer.remaining();
    }

    public int position() {
        return buffer.position();
    }

    public boolean bool() {
        return int8() != 0;
    }

    public byte int8() {
        need(1);
        return buffer.get();
    }

    public short int16() {
        need(2);
        return buffer.getShort();
    }

    public int uint16() {
        return int16() & 0xFFFF;
    }

    public int int32() {
        need(4);
        return buffer.getInt();
    }

    public long uint32() {
        return int32() & 0xFFFF_FFFFL;
    }

    public long int64() {
        need(8);
        return buffer.getLong();
    }

    public double float64() {
        need(8);
        return buffer.getDouble();
    }

    public UUID uuid() {
        need(16);
        return new UUID(buffer.getLong(), buffer.getLong());
    }

    /** An unsigned LEB128 varint of at most 5 bytes (32 bits). */
    public int unsignedVarint() {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            byte b = int8();
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (shift == 28 && (b & 0x70) != 0) {
                    break; // bits beyond 32
                }
                return value;
            }
        }
        throw fail("malformed unsigned varint");
    }

    /**
     * A declared length checked against what is left: -1 is null (if allowed), anything below or
     * longer than the remaining bytes is malformed. Returns the length.
     */
    public int checkedLength(long length, boolean nullable) {
        if (length == -1 && nullable) {
            return -1;
        }
        if (length < 0) {
            throw fail("negative length " + length);
        }
        if (length > buffer.remaining()) {
            throw fail("length " + length + " exceeds the " + buffer.remaining() + " bytes left");
        }
        return (int) length;
    }

    /** Checks an array element count: each element takes at least one byte, so more is malformed. */
    public int checkedCount(long count, boolean nullable) {
        return checkedLength(count, nullable);
    }

    /**
     * The next {@code length} bytes as a writable slice, without copying: record batches, whose
     * base offsets the broker assigns in place in the request frame it owns.
     */
    public ByteBuffer writableSlice(int length) {
        need(length);
        ByteBuffer slice = buffer.slice().limit(length);
        buffer.position(buffer.position() + length);
        return slice;
    }

    /** The next {@code length} bytes as a read-only slice, without copying. */
    public ByteBuffer slice(int length) {
        need(length);
        ByteBuffer slice = buffer.slice().limit(length).asReadOnlyBuffer();
        buffer.position(buffer.position() + length);
        return slice;
    }

    /** The next {@code length} bytes decoded as UTF-8 (malformed sequences become U+FFFD, as in Kafka). */
    public String utf8(int length) {
        need(length);
        String s;
        if (buffer.hasArray()) {
            s = new String(buffer.array(), buffer.arrayOffset() + buffer.position(), length, StandardCharsets.UTF_8);
        } else if (length <= SCRATCH_BYTES) {
            // a direct buffer (the broker's pooled request frames): copy out through a per-thread
            // scratch array, so the only allocation is the String itself, as on the heap path
            byte[] scratch = SCRATCH.get();
            buffer.get(buffer.position(), scratch, 0, length);
            s = new String(scratch, 0, length, StandardCharsets.UTF_8);
        } else {
            byte[] bytes = new byte[length]; // length was checked against the bytes left
            buffer.get(buffer.position(), bytes);
            s = new String(bytes, StandardCharsets.UTF_8);
        }
        buffer.position(buffer.position() + length);
        return s;
    }

    public void skip(int length) {
        need(length);
        buffer.position(buffer.position() + length);
    }

    private void need(int n) {
        if (buffer.remaining() < n) {
            throw fail("truncated: needs " + n + " bytes, " + buffer.remaining() + " left");
        }
    }

    /** A ProtocolException naming the current context and position. */
    public ProtocolException fail(String what) {
        return new ProtocolException(what + " reading " + context + " at byte " + buffer.position());
    }
}
