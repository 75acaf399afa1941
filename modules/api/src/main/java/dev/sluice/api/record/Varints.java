package dev.sluice.api.record;

import java.nio.ByteBuffer;

/** Zig-zag varints (protobuf style) as used inside v2 records, and unsigned varints. */
public final class Varints {
    private Varints() {
    }

    public static int readVarint(ByteBuffer in) {
        int raw = readUnsignedVarint(in);
        return (raw >>> 1) ^ -(raw & 1);
    }

    public static long readVarlong(ByteBuffer in) {
        long raw = 0;
        int shift = 0;
        while (true) {
            if (shift > 63) {
                throw new InvalidRecordException(InvalidRecordException.Reason.CORRUPT, "varlong is longer than 10 bytes");
            }
            byte b = in.get();
            raw |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
        }
        return (raw >>> 1) ^ -(raw & 1);
    }

    public static int readUnsignedVarint(ByteBuffer in) {
        int value = 0;
        int shift = 0;
        while (true) {
            if (shift > 28) {
                throw new InvalidRecordException(InvalidRecordException.Reason.CORRUPT, "varint is longer than 5 bytes");
            }
            byte b = in.get();
            value |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
            shift += 7;
        }
    }

    public static void writeVarint(int value, ByteBuffer out) {
        writeUnsignedVarint((value << 1) ^ (value >> 31), out);
    }

    public static void writeVarlong(long value, ByteBuffer out) {
        long v = (value << 1) ^ (value >> 63);
        while ((v & ~0x7FL) != 0) {
            out.put((byte) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.put((byte) v);
    }

    public static void writeUnsignedVarint(int value, ByteBuffer out) {
        int v = value;
        while ((v & ~0x7F) != 0) {
            out.put((byte) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.put((byte) v);
    }

    public static int sizeOfUnsignedVarint(int value) {
        int size = 1;
        int v = value;
        while ((v & ~0x7F) != 0) {
            size++;
            v >>>= 7;
        }
        return size;
    }

    public static int sizeOfVarint(int value) {
        return sizeOfUnsignedVarint((value << 1) ^ (value >> 31));
    }

    public static int sizeOfVarlong(long value) {
        long v = (value << 1) ^ (value >> 63);
        int size = 1;
        while ((v & ~0x7FL) != 0) {
            size++;
            v >>>= 7;
        }
        return size;
    }
}
