package dev.sluice.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

/** Test support: a channel that collects what a {@link Send} writes, optionally a few bytes per call. */
final class SendBytes implements GatheringByteChannel {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final int maxPerWrite;

    SendBytes(int maxPerWrite) {
        this.maxPerWrite = maxPerWrite;
    }

    /** Everything {@code send} writes, in one buffer. */
    static ByteBuffer of(Send send) throws IOException {
        SendBytes channel = new SendBytes(Integer.MAX_VALUE);
        while (!send.writeTo(channel)) {
            // an unlimited channel takes everything; loop only for safety
        }
        return channel.bytes();
    }

    ByteBuffer bytes() {
        return ByteBuffer.wrap(out.toByteArray());
    }

    @Override
    public int write(ByteBuffer src) {
        int n = Math.min(src.remaining(), maxPerWrite);
        for (int i = 0; i < n; i++) {
            out.write(src.get());
        }
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        long total = 0;
        for (int i = offset; i < offset + length && total < maxPerWrite; i++) {
            int before = srcs[i].remaining();
            int n = Math.min(before, (int) Math.min(Integer.MAX_VALUE, maxPerWrite - total));
            ByteBuffer part = srcs[i].duplicate();
            part.limit(part.position() + n);
            total += write(part);
            srcs[i].position(srcs[i].position() + n);
        }
        return total;
    }

    @Override
    public long write(ByteBuffer[] srcs) {
        return write(srcs, 0, srcs.length);
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {
    }
}
