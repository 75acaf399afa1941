package dev.sluice.storage.file.segment;

import dev.sluice.api.storage.AbortedTxn;
import dev.sluice.api.storage.AbortedTxnList;
import dev.sluice.api.storage.StorageException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A segment's aborted-transaction index, Kafka's {@code .txnindex} file: one fixed-size entry per
 * transaction aborted by a marker in this segment, in marker order.
 *
 * <pre>
 *   0  version           int16  = 0
 *   2  producerId        int64
 *  10  firstOffset       int64  the transaction's first offset (may lie in an earlier segment)
 *  18  lastOffset        int64  the abort marker's offset (in this segment)
 *  26  lastStableOffset  int64  the partition's last stable offset right after the marker
 * </pre>
 * Big-endian, 34 bytes per entry, no header. The file exists only once an entry was written (most
 * segments never see an abort). Loading keeps the whole entries before the first bad one (torn
 * write, unknown version) and cuts the file there.
 *
 * <p>Entries are held in memory ({@link AbortedTxnList}: appends without copying, a binary search
 * to the first entry a fetch needs), so readers take them without locking and without I/O; only the log's single writer appends, truncates, renames,
 * flushes or deletes.
 */
public final class TransactionIndex {
    static final int ENTRY_SIZE = 34;
    private static final short VERSION = 0;

    private Path file;
    private final AbortedTxnList entries;
    /** Written since the last flush. */
    private boolean dirty;

    TransactionIndex(Path file) throws IOException {
        this.file = file;
        this.entries = new AbortedTxnList(load(file));
    }

    private static List<AbortedTxn> load(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        List<AbortedTxn> loaded = new ArrayList<>();
        while (buffer.remaining() >= ENTRY_SIZE) {
            int at = buffer.position();
            AbortedTxn entry = decode(buffer);
            if (entry == null) {
                buffer.position(at);
                break;
            }
            loaded.add(entry);
        }
        if (buffer.position() != bytes.length) {
            LogSegment.LOG.log(System.Logger.Level.WARNING, "{0}: cutting a torn or corrupt entry at byte {1}",
                    file, buffer.position());
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(buffer.position());
            }
        }
        return List.copyOf(loaded);
    }

    private static AbortedTxn decode(ByteBuffer buffer) {
        short version = buffer.getShort();
        long producerId = buffer.getLong();
        long first = buffer.getLong();
        long last = buffer.getLong();
        long lso = buffer.getLong();
        if (version != VERSION || first < 0 || last < first || lso < 0) {
            return null;
        }
        return new AbortedTxn(producerId, first, last, lso);
    }

    /** Every entry, in marker order (any thread; a copy). */
    public List<AbortedTxn> entries() {
        return entries.toList();
    }

    /** Adds the entries a fetch of {@code [fromOffset, upperBoundOffset)} needs; true once the search may stop ({@link AbortedTxn#collect}). */
    public boolean collect(long fromOffset, long upperBoundOffset, List<AbortedTxn> into) {
        return entries.collect(fromOffset, upperBoundOffset, into);
    }

    /** The last entry's marker offset, or -1. */
    public long lastMarkerOffset() {
        return entries.lastMarkerOffset();
    }

    /** Appends {@code entry} to the file, then publishes it to readers. */
    public void append(AbortedTxn entry) {
        ByteBuffer bytes = ByteBuffer.allocate(ENTRY_SIZE).putShort(VERSION).putLong(entry.producerId())
                .putLong(entry.firstOffset()).putLong(entry.lastOffset()).putLong(entry.lastStableOffset()).flip();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long position = (long) entries.size() * ENTRY_SIZE;
            while (bytes.hasRemaining()) {
                position += channel.write(bytes, position);
            }
        } catch (IOException e) {
            throw new StorageException("cannot write " + file, e);
        }
        entries.append(entry);
        dirty = true;
    }

    /** Removes the entries whose marker is at or after {@code offset} (Kafka's {@code truncateTo}). */
    public void truncateTo(long offset) {
        if (!entries.truncateFrom(offset)) { // readers first: they never see a cut entry
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate((long) entries.size() * ENTRY_SIZE);
        } catch (IOException e) {
            throw new StorageException("cannot truncate " + file, e);
        }
        dirty = true;
    }

    /** Forces what was written since the last flush to disk. */
    public void flush() {
        if (!dirty) {
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        } catch (NoSuchFileException e) {
            // truncated to nothing and never written: nothing to force
        } catch (IOException e) {
            throw new StorageException("fsync of " + file + " failed", e);
        }
        dirty = false;
    }

    Path file() {
        return file;
    }

    /** Renames the file (if there is one) with its segment's; entries stay readable. */
    void renameTo(Path target) {
        try {
            if (Files.exists(file)) {
                Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new StorageException("cannot rename " + file + " to " + target, e);
        }
        file = target;
    }

    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new StorageException("cannot delete " + file, e);
        }
    }
}
