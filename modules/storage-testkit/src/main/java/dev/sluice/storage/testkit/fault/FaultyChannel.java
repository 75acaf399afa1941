package dev.sluice.storage.testkit.fault;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A {@link FileChannel} over a real one whose every data call first asks the {@link DiskFault}:
 * reads, writes, forces, transfers, truncation, size and mapping throw while the disk fails, also
 * on channels opened before it did. Memory already mapped keeps working (the JVM cannot be told
 * otherwise). Zero-copy transfers become copies, which is fine for tests.
 */
final class FaultyChannel extends FileChannel {
    private final FileChannel delegate;
    private final DiskFault fault;

    FaultyChannel(FileChannel delegate, DiskFault fault) {
        this.delegate = delegate;
        this.fault = fault;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        fault.check("read");
        return delegate.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        fault.check("read");
        return delegate.read(dsts, offset, length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        fault.check("write");
        return delegate.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        fault.check("write");
        return delegate.write(srcs, offset, length);
    }

    @Override
    public long position() throws IOException {
        return delegate.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        delegate.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        fault.check("size");
        return delegate.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        fault.check("truncate");
        delegate.truncate(size);
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        fault.check("fsync");
        delegate.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        fault.check("transferTo");
        return delegate.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        fault.check("transferFrom");
        return delegate.transferFrom(src, position, count);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        fault.check("read");
        return delegate.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        fault.check("write");
        return delegate.write(src, position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        fault.check("mmap");
        return delegate.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return delegate.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return delegate.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        delegate.close();
    }
}
