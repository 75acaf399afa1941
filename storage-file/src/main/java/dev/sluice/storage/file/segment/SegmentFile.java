package dev.sluice.storage.file.segment;

import dev.sluice.api.storage.StorageException;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A segment's log file and its channel, which may be closed and opened again: an old segment found
 * at load is parked (its descriptor given back) and reopens on first use, so a log with many
 * segments holds a descriptor only for those read since start-up. Once closed for good (close,
 * delete) it never reopens, and a retired file reopens by its {@code .deleted} name.
 *
 * <p>Threads: any; opening, parking, closing and renaming synchronize on this, the open channel is
 * read without locking.
 */
final class SegmentFile {
    /** Changes only when the segment is retired ({@link #renameForDeletion}). */
    private volatile Path path;
    /** Null while parked. */
    private volatile FileChannel channel;
    /** Guarded by this: closed for good, never to be reopened. */
    private boolean closedForGood;

    /** Opens (creating if missing) the file at {@code path}. */
    SegmentFile(Path path) throws IOException {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    Path path() {
        return path;
    }

    /** The channel, opened again if parked; ClosedChannelException once closed for good. */
    FileChannel channel() throws IOException {
        FileChannel open = channel;
        return open != null ? open : reopen();
    }

    private synchronized FileChannel reopen() throws IOException {
        if (closedForGood) {
            throw new ClosedChannelException();
        }
        if (channel == null) {
            // no CREATE: a segment whose file is gone must not come back empty
            channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        return channel;
    }

    /**
     * Closes the channel until the next use. Only while no reader can hold a slice of it: the log
     * parks old segments when loading.
     */
    synchronized void park() {
        FileChannel open = channel;
        if (open != null && !closedForGood) {
            channel = null;
            try {
                open.close();
            } catch (IOException e) {
                LogSegment.LOG.log(System.Logger.Level.WARNING, "closing " + path + " failed", e);
            }
        }
    }

    /** Forces the written bytes to disk; a parked channel has nothing unwritten. */
    void force() throws IOException {
        FileChannel open = channel;
        if (open != null) {
            open.force(true);
        }
    }

    /** Closes the channel for good. */
    synchronized void close() throws IOException {
        closedForGood = true;
        FileChannel open = channel;
        if (open != null) {
            open.close();
        }
    }

    /**
     * Renames the file to {@code target}, keeping the channel open (slices already read stay
     * sendable); synchronized with {@link #reopen} so a parked file never reopens by its old name.
     */
    synchronized void renameTo(Path target) {
        try {
            Files.move(path, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new StorageException("cannot rename " + path + " to " + target.getFileName(), e);
        }
        path = target;
    }

    /** Closes the channel for good and removes the file. */
    void delete() throws IOException {
        close();
        Files.deleteIfExists(path);
    }
}
