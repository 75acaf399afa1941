package dev.sluice.protocol;

import dev.sluice.api.storage.LogSlice;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes queued for one socket, in order: buffers written with gathering writes and log slices
 * sent with {@code transferTo} (zero copy from the page cache). Writing resumes where the
 * channel stopped accepting. Not thread-safe: owned by the connection's network thread.
 */
public final class Send {
    private final List<Object> parts; // ByteBuffer or LogSlice
    private final long size;
    private int index;
    private long slicePosition;
    private long written;

    private Send(List<Object> parts) {
        this.parts = parts;
        long total = 0;
        for (Object part : parts) {
            total += part instanceof ByteBuffer b ? b.remaining() : ((LogSlice) part).sizeInBytes();
        }
        this.size = total;
    }

    public static Send of(ByteBuffer... buffers) {
        return new Send(new ArrayList<>(List.of((Object[]) buffers)));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Total bytes of this send. */
    public long size() {
        return size;
    }

    public long written() {
        return written;
    }

    public boolean completed() {
        return written == size;
    }

    /**
     * Writes as much as {@code channel} accepts now.
     *
     * @return true when the whole send has been written
     */
    public boolean writeTo(GatheringByteChannel channel) throws IOException {
        while (index < parts.size()) {
            Object part = parts.get(index);
            if (part instanceof ByteBuffer buffer) {
                int end = index;
                while (end < parts.size() && parts.get(end) instanceof ByteBuffer) {
                    end++;
                }
                ByteBuffer[] run = parts.subList(index, end).toArray(new ByteBuffer[0]);
                written += channel.write(run);
                while (index < end && !((ByteBuffer) parts.get(index)).hasRemaining()) {
                    index++;
                }
                if (index < end) {
                    return false; // socket buffer full
                }
            } else {
                LogSlice slice = (LogSlice) part;
                long remaining = slice.sizeInBytes() - slicePosition;
                if (remaining > 0) {
                    long n = slice.transferTo(channel, slicePosition, remaining);
                    slicePosition += n;
                    written += n;
                    if (n < remaining) {
                        return false;
                    }
                }
                slicePosition = 0;
                index++;
            }
        }
        return true;
    }

    /** Assembles a send from parts in order. */
    public static final class Builder {
        private final List<Object> parts = new ArrayList<>();

        public Builder add(ByteBuffer buffer) {
            if (buffer.hasRemaining()) {
                parts.add(buffer);
            }
            return this;
        }

        public Builder add(LogSlice slice) {
            if (slice.sizeInBytes() > 0) {
                parts.add(slice);
            }
            return this;
        }

        public Send build() {
            return new Send(parts);
        }
    }
}
