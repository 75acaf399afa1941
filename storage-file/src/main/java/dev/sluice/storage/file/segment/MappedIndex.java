package dev.sluice.storage.file.segment;

import dev.sluice.api.storage.StorageException;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A file of fixed-size entries sorted by a key, memory-mapped and preallocated so that appending
 * an entry is a store into the mapping. Subclasses define the entry layout.
 *
 * <p>One writer (the log's append path) and any number of readers. Readers take one snapshot of
 * the mapping and the entry count (both volatile, the count published after the entry is written)
 * and look only at entries below it, so they never touch bytes past the file's end even while the
 * writer trims or grows the file. Growing and trimming remap instead of changing the old mapping.
 */
abstract class MappedIndex implements AutoCloseable {
    protected final long baseOffset;
    /** Changes only when the segment is retired ({@link #renameTo}). */
    private volatile Path file;
    private final int entrySize;
    /** Length of the file when it was opened, for the sanity check of an existing index. */
    private final long lengthAtOpen;
    private volatile MappedByteBuffer mmap;
    private volatile int entries;
    private volatile int maxEntries;

    MappedIndex(Path file, long baseOffset, int maxIndexBytes, int entrySize) {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            this.lengthAtOpen = raf.length();
            if (lengthAtOpen == 0) {
                // a new (or empty) index: preallocate, as Kafka does, so appends never extend the file
                raf.setLength(roundDown(maxIndexBytes));
            }
            this.entries = (int) (lengthAtOpen / entrySize);
            map(raf);
        } catch (IOException e) {
            throw new StorageException("cannot open index " + file, e);
        }
    }

    private void map(RandomAccessFile raf) throws IOException {
        MappedByteBuffer mapped = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, raf.length());
        this.maxEntries = mapped.capacity() / entrySize;
        this.mmap = mapped;
    }

    private int roundDown(int bytes) {
        return Math.max(entrySize, bytes / entrySize * entrySize);
    }

    public Path file() {
        return file;
    }

    public int entries() {
        return entries;
    }

    public int maxEntries() {
        return maxEntries;
    }

    public boolean isEmpty() {
        return entries == 0;
    }

    /** Length of the file when opened is a whole number of entries (a basic check for corruption). */
    protected boolean lengthWasWholeEntries() {
        return lengthAtOpen % entrySize == 0;
    }

    protected MappedByteBuffer buffer() {
        return mmap;
    }

    protected int entrySize() {
        return entrySize;
    }

    /** Called by the writer after it stored entry number {@code entries()}; publishes it to readers. */
    protected void entryWritten() {
        entries = entries + 1;
    }

    protected void truncateToEntries(int count) {
        entries = Math.max(0, Math.min(count, entries));
    }

    /** Key (offset or timestamp) of {@code slot}, read from {@code buffer}. */
    protected abstract long keyAt(MappedByteBuffer buffer, int slot);

    /**
     * The last slot whose key is {@code <= target} among the first {@code count} entries of
     * {@code buffer}, or -1 if every key is larger (or the index is empty).
     */
    protected int largestLowerBoundSlot(MappedByteBuffer buffer, int count, long target) {
        if (count == 0 || keyAt(buffer, 0) > target) {
            return -1;
        }
        int lo = 0;
        int hi = count - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (keyAt(buffer, mid) <= target) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** The first slot whose key is {@code >= target}, or {@code entries()} if there is none. */
    protected int smallestUpperBoundSlot(long target) {
        MappedByteBuffer buffer = mmap;
        int count = entries;
        int slot = largestLowerBoundSlot(buffer, count, target);
        if (slot >= 0 && keyAt(buffer, slot) == target) {
            return slot;
        }
        return slot + 1;
    }

    /** Changes the file length to {@code bytes} (rounded to whole entries, never below the live entries) and remaps. */
    public void resize(int bytes) {
        int newLength = Math.max(roundDown(bytes), entries * entrySize);
        if (newLength == mmap.capacity()) {
            return;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            // Linux lets us change the length of a mapped file; readers of the old mapping only
            // look at live entries, which stay inside the new length.
            raf.setLength(newLength);
            map(raf);
        } catch (IOException e) {
            throw new StorageException("cannot resize index " + file, e);
        }
    }

    /** Shrinks the file to its live entries: done when the segment stops being written, as Kafka does. */
    public void trimToValidSize() {
        resize(entries * entrySize);
    }

    /** Drops every entry. */
    public void reset() {
        entries = 0;
    }

    public void flush() {
        mmap.force();
    }

    @Override
    public void close() {
        trimToValidSize();
        // The JDK unmaps when the buffer is collected; on Linux a deleted or trimmed file is harmless meanwhile.
    }

    /** Moves the file to {@code target} (a retired segment's {@code .deleted} name); the mapping stays valid. */
    public void renameTo(Path target) {
        try {
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
            file = target;
        } catch (NoSuchFileException gone) {
            file = target; // nothing to move: a crash or an earlier delete removed it
        } catch (IOException e) {
            throw new StorageException("cannot rename index " + file + " to " + target.getFileName(), e);
        }
    }

    public void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new StorageException("cannot delete index " + file, e);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + file.getFileName() + ", entries=" + entries + ")";
    }
}
