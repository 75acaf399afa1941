package dev.sluice.storage.file.segment;

import dev.sluice.api.storage.LogSlice;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Whole batches of one segment file, sent with {@link FileChannel#transferTo} so the bytes go
 * from the page cache to the socket without passing through the heap.
 */
final class FileSlice implements LogSlice {
    private final FileChannel channel;
    private final String fileName;
    private final int start;
    private final int size;

    FileSlice(FileChannel channel, String fileName, int start, int size) {
        this.channel = channel;
        this.fileName = fileName;
        this.start = start;
        this.size = size;
    }

    @Override
    public int sizeInBytes() {
        return size;
    }

    @Override
    public long transferTo(WritableByteChannel target, long position, long count) throws IOException {
        if (position < 0 || position > size || count < 0) {
            throw new IllegalArgumentException("position " + position + " / count " + count + " outside slice of " + size);
        }
        long n = Math.min(count, size - position);
        try {
            return channel.transferTo(start + position, n, target);
        } catch (ClosedChannelException e) {
            throw deleted(e);
        }
    }

    @Override
    public ByteBuffer toBuffer() throws IOException {
        ByteBuffer out = ByteBuffer.allocate(size);
        try {
            while (out.hasRemaining()) {
                if (channel.read(out, start + out.position()) < 0) {
                    throw new IOException(fileName + " is shorter than a slice read from it: the log was truncated");
                }
            }
        } catch (ClosedChannelException e) {
            throw deleted(e);
        }
        return out.flip();
    }

    private IOException deleted(ClosedChannelException e) {
        IOException failure = new IOException("segment " + fileName
                + " was closed or deleted (retention, truncation or shutdown) after it was read");
        failure.initCause(e);
        return failure;
    }

    @Override
    public String toString() {
        return "FileSlice(" + fileName + ", start=" + start + ", size=" + size + ")";
    }
}
