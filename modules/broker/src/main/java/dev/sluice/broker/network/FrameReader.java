package dev.sluice.broker.network;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Reassembles {@code int32 size | payload} frames from a non-blocking channel, across as many
 * reads as the bytes take to arrive. The size is validated before the payload buffer is taken from
 * the {@link FramePool} (which reserves it in the memory budget). A returned payload belongs to the
 * caller until it gives it back to the pool.
 */
final class FrameReader {
    private final int maxFrameBytes;
    private final FramePool pool;
    private final ByteBuffer sizeBuffer = ByteBuffer.allocate(Integer.BYTES);
    private int declaredSize = -1; // >= 0 once the size is read but the payload not allocated yet
    private ByteBuffer payload;
    private long bytesRead;

    FrameReader(int maxFrameBytes, FramePool pool) {
        this.maxFrameBytes = maxFrameBytes;
        this.pool = pool;
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
                fill(channel, sizeBuffer);
                if (sizeBuffer.hasRemaining()) {
                    return null;
                }
                int size = sizeBuffer.getInt(0);
                if (size <= 0 || size > maxFrameBytes) {
                    throw new InvalidFrameException("declared frame size " + size
                            + " is outside 1.." + maxFrameBytes + " (socket.request.max.bytes)");
                }
                declaredSize = size;
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
        sizeBuffer.clear();
        return complete;
    }

    /** True while a frame's size is known but the memory budget has no room for it yet. */
    boolean awaitingMemory() {
        return declaredSize >= 0 && payload == null;
    }

    /** Retries the reservation for a frame waiting on memory; true when it now has its buffer. */
    boolean tryAllocate() {
        payload = pool.tryAcquire(declaredSize);
        if (payload == null) {
            return false;
        }
        declaredSize = -1;
        return true;
    }

    /** True while part of a frame has arrived. */
    boolean midFrame() {
        return sizeBuffer.position() > 0;
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
