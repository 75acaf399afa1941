package dev.sluice.storage.lmdb.env;

import java.nio.ByteBuffer;

/**
 * Per-thread direct buffers for LMDB keys and small values. lmdbjava passes buffer addresses to
 * LMDB, so keys must be direct; allocating a direct buffer per call would cost more than the
 * lookup itself. A buffer is only borrowed for the duration of one LMDB call: LMDB copies keys
 * and values on put and does not keep the pointer after a get.
 */
public final class Scratch {
    /** LMDB's default maximum key size. */
    public static final int MAX_KEY_BYTES = 511;
    private static final int VALUE_BYTES = 64;

    private static final ThreadLocal<ByteBuffer> KEY = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(MAX_KEY_BYTES));
    private static final ThreadLocal<ByteBuffer> VALUE = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(VALUE_BYTES));

    private Scratch() {
    }

    /** This thread's key buffer, cleared (big-endian, position 0, limit = capacity). */
    public static ByteBuffer key() {
        return KEY.get().clear();
    }

    /** This thread's small-value buffer (up to 64 bytes), cleared. */
    public static ByteBuffer value() {
        return VALUE.get().clear();
    }
}
