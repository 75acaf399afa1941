package dev.sluice.protocol.tls;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Direct buffers for TLS records, lent to {@link TlsChannel}s while they hold bytes and taken back
 * once empty, so an idle TLS connection holds none (a busy one at most three: bytes read but not yet
 * decrypted, decrypted but not yet consumed, encrypted but not yet written). Every buffer has room
 * for one TLS record, plaintext or ciphertext ({@link #BUFFER_SIZE}).
 *
 * <p>Threads: not thread-safe; one pool per I/O thread (a broker processor, a client's I/O thread),
 * shared by the channels that thread owns.
 */
public final class TlsBufferPool {
    /**
     * Room for the largest TLS record: 16 KiB of plaintext plus header, padding and MAC, above what the
     * JDK's sessions report as packet (16,709) and application (16,384+) sizes.
     */
    public static final int BUFFER_SIZE = 17 * 1024 + 512;

    private final ArrayDeque<ByteBuffer> idle = new ArrayDeque<>();
    private final int maxIdle;

    /** @param maxIdle buffers kept for reuse at most; more are left to the garbage collector */
    public TlsBufferPool(int maxIdle) {
        this.maxIdle = maxIdle;
    }

    /** A cleared buffer of at least {@code size} bytes. */
    ByteBuffer take(int size) {
        if (size > BUFFER_SIZE) {
            return ByteBuffer.allocateDirect(size); // a session asking more than a record: not pooled
        }
        ByteBuffer b = idle.poll();
        return b != null ? b.clear() : ByteBuffer.allocateDirect(BUFFER_SIZE);
    }

    void give(ByteBuffer buffer) {
        if (buffer.capacity() == BUFFER_SIZE && idle.size() < maxIdle) {
            idle.push(buffer);
        }
    }

    /** Buffers waiting for reuse (tests). */
    public int idle() {
        return idle.size();
    }
}
