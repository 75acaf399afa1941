package dev.sluice.broker.network;

import dev.sluice.api.storage.LogSlice;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/** A LogSlice over a whole file, sent with transferTo as the file storage's slices are. */
record FileSlice(FileChannel file, int size) implements LogSlice {
    @Override
    public int sizeInBytes() {
        return size;
    }

    @Override
    public long transferTo(WritableByteChannel target, long position, long count) throws IOException {
        return file.transferTo(position, count, target);
    }

    @Override
    public ByteBuffer toBuffer() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(size);
        file.read(b, 0);
        return b.flip();
    }
}
