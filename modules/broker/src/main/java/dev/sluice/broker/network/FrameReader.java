package dev.sluice.broker.network;

import dev.sluice.api.Time;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Reassembles {@code int32 size | payload} frames from a non-blocking channel, across as many
 * reads as the bytes take to arrive. Owned by one connection's processor thread.
 *
 * <p>Memory is taken only for bytes that are coming: the size is read together with the payload's
 * first byte (a frame is at least one byte long, so the fifth byte is always this frame's), and
 * the payload buffer is taken from the {@link FramePool} (which reserves it in the memory budget)
 * only once that byte has arrived. A client that announces a frame and sends nothing holds no
 * memory, only its socket. A returned payload belongs to the caller until it gives it back to the pool.
 *
 * <p>Each frame's bytes must arrive within a bound ({@link #overdue}): its clock starts when the
 * size has been read, and restarts when a frame that had to wait for memory gets its buffer (the
 * wait was the server's doing, not the client's).
 */
final class FrameReader {
    private static final int HEAD = Integer.BYTES + 1; // size + first payload byte

    private final int maxFrameBytes;
    private final FramePool pool;
    private final Time time;
    private final ByteBuffer head = ByteBuffer.allocate(HEAD);
    private int declaredSize = -1; // >= 0 once the size is read but the payload not allocated yet
    private ByteBuffer payload;
    private long frameClockNanos;
    private long bytesRead;

    FrameReader(int maxFrameBytes, FramePool pool) {
        this(maxFrameBytes, pool, Time.SYSTEM);
    }

    FrameReader(int maxFrameBytes, FramePool pool, Time time) {
        this.maxFrameBytes = maxFrameBytes;
        this.pool = pool;
        this.time = time;
    }

    /**
     * Reads what is available toward the next frame.
     *
     * @return the complete payload (position 0, limit its size), or null if more bytes (or memory) are needed
     * @throws InvalidFrameException if the declared size is out of range
     * @throws EOFException          if the peer closed the stream
     */
    ByteBuffer read(ReadableByteChannel channel) throws IOException {
        if (payload == null) {
            if (declaredSize < 0) {
                fill(channel, head);
                if (head.position() < Integer.BYTES) {
                    return null;
                }
                int size = head.getInt(0);
                if (size <= 0 || size > maxFrameBytes) {
                    throw new InvalidFrameException("declared frame size " + size
                            + " is outside 1.." + maxFrameBytes + " (socket.request.max.bytes)");
                }
                declaredSize = size;
                frameClockNanos = time.nanoseconds();
            }
            if (head.hasRemaining()) {
                fill(channel, head);
                if (head.hasRemaining()) {
                    return null; // the payload has not started: no memory taken for it yet
                }
            }
            if (!tryAllocate()) {
                return null;
            }
        }
        fill(channel, payload);
        if (payload.hasRemaining()) {
            return null;
        }
        ByteBuffer complete = payload.flip();
        payload = null;
        return complete;
    }

    /** True while a frame's first bytes are here but the memory budget has no room for it yet. */
    boolean awaitingMemory() {
        return declaredSize >= 0 && payload == null && !head.hasRemaining();
    }

    /** Retries the reservation for a frame waiting on memory; true when it now has its buffer. */
    boolean tryAllocate() {
        payload = pool.tryAcquire(declaredSize);
        if (payload == null) {
            return false;
        }
        payload.put(head.get(Integer.BYTES));
        head.clear();
        declaredSize = -1;
        frameClockNanos = time.nanoseconds();
        return true;
    }

    /**
     * True if a frame has been arriving for longer than {@code timeoutNanos} (time spent waiting
     * for memory excluded).
     */
    boolean overdue(long nowNanos, long timeoutNanos) {
        boolean receiving = payload != null || (declaredSize >= 0 && head.hasRemaining());
        return receiving && nowNanos - frameClockNanos > timeoutNanos;
    }

    /** True while a frame's payload buffer is held, partly filled. */
    boolean holdsPartialFrame() {
        return payload != null;
    }

    /** Bytes read from the socket so far; callers diff it to count traffic. */
    long bytesRead() {
        return bytesRead;
    }

    /** Returns a half-read frame's buffer to the pool when the connection closes. */
    void release() {
        if (payload != null) {
            pool.release(payload);
            payload = null;
        }
        declaredSize = -1;
        head.clear();
    }

    private int fill(ReadableByteChannel channel, ByteBuffer target) throws IOException {
        int n = channel.read(target);
        if (n < 0) {
            throw new EOFException("connection closed by peer");
        }
        bytesRead += n;
        return n;
    }
}
