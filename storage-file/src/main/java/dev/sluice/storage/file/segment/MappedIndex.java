package dev.sluice.storage.file.segment;

import dev.sluice.api.storage.StorageException;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
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
 * <p>One writer (the log's append path, under the log's lock) and any number of readers. The
 * mapping and the entry count are published together as one immutable {@link View} in one volatile
 * field: a reader reads it once and looks only at that mapping's entries below that count, so it
 * never sees a count belonging to another mapping. The writer stores an entry into a slot above
 * every published count, then publishes a view with the larger count; growing and trimming map
 * anew and publish a view of the new mapping. Only truncation makes slots below a published count
 * writable again; it starts a new {@link View#generation()}, and readers use
 * {@link #unchangedSince(View)} after their reads and retry, so a lookup racing with truncation and
 * the appends after it never returns a mix of old and new entries.
 */
abstract class MappedIndex implements AutoCloseable {
    protected final long baseOffset;
    /** Changes only when the segment is retired ({@link #renameTo}). */
    private volatile Path file;
    private final int entrySize;
    /** Length of the file when it was opened, for the sanity check of an existing index. */
    private final long lengthAtOpen;
    private volatile View view;
    /** Writer-only: a truncation left readers' views of more entries than are live on this file. */
    private boolean truncatedSinceShrinkSafe;

    /**
     * What readers see: a mapping, how many of its entries are live, and the truncation count
     * (slots below {@code entries} keep their contents while the generation is unchanged).
     */
    protected record View(MappedByteBuffer buffer, int entries, int generation) {
    }

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
            map(raf, (int) (lengthAtOpen / entrySize), 0);
        } catch (IOException e) {
            throw new StorageException("cannot open index " + file, e);
        }
    }

    private void map(RandomAccessFile raf, int entries, int generation) throws IOException {
        MappedByteBuffer mapped = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, raf.length());
        this.view = new View(mapped, entries, generation);
    }

    private int roundDown(int bytes) {
        return Math.max(entrySize, bytes / entrySize * entrySize);
    }

    public Path file() {
        return file;
    }

    public int entries() {
        return view.entries();
    }

    public int maxEntries() {
        return view.buffer().capacity() / entrySize;
    }

    public boolean isEmpty() {
        return view.entries() == 0;
    }

    /** Length of the file when opened is a whole number of entries (a basic check for corruption). */
    protected boolean lengthWasWholeEntries() {
        return lengthAtOpen % entrySize == 0;
    }

    /** The mapping and entry count, read together: readers take one and use only it. */
    protected View view() {
        return view;
    }

    /**
     * After reading entries of {@code seen}: true if no truncation happened since, so what was
     * read is what the index held; false means read again from a fresh {@link #view()}.
     */
    protected boolean unchangedSince(View seen) {
        VarHandle.acquireFence(); // the entry reads above may not move below the generation check
        return view.generation() == seen.generation();
    }

    protected int entrySize() {
        return entrySize;
    }

    /** Called by the writer after it stored entry number {@code entries()}; publishes it to readers. */
    protected void entryWritten() {
        View v = view;
        view = new View(v.buffer(), v.entries() + 1, v.generation());
    }

    /** Keeps the first {@code count} entries; later appends may overwrite the others, so a new generation starts. */
    protected void truncateToEntries(int count) {
        View v = view;
        int keep = Math.max(0, Math.min(count, v.entries()));
        if (keep < v.entries()) {
            truncatedSinceShrinkSafe = true;
            view = new View(v.buffer(), keep, v.generation() + 1);
        }
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
        View v = view; // the writer's own call: nothing truncates meanwhile
        int slot = largestLowerBoundSlot(v.buffer(), v.entries(), target);
        if (slot >= 0 && keyAt(v.buffer(), slot) == target) {
            return slot;
        }
        return slot + 1;
    }

    /** Changes the file length to {@code bytes} (rounded to whole entries, never below the live entries) and remaps. */
    public void resize(int bytes) {
        View v = view;
        // whole entries, none if none are live: an empty index trimmed on close reopens empty (#18)
        int newLength = Math.max(Math.max(0, bytes) / entrySize * entrySize, v.entries() * entrySize);
        if (newLength == v.buffer().capacity()) {
            return;
        }
        if (newLength < v.buffer().capacity() && truncatedSinceShrinkSafe) {
            replaceWithLiveEntries(v, newLength);
            return;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            // Linux lets us change the length of a mapped file. Growing is always safe; shrinking in
            // place only while no truncation happened, because only then does every view a reader
            // may still hold count at most the live entries, which stay inside the new length.
            raf.setLength(newLength);
            map(raf, v.entries(), v.generation());
        } catch (IOException e) {
            throw new StorageException("cannot resize index " + file, e);
        }
    }

    /**
     * Shrinks an index that was truncated: a reader may still hold a view of more entries than are
     * live, and touching a mapped page past a file's end is a fault (SIGBUS). So the live entries
     * go to a new file renamed over this one; old mappings keep the old file's pages until unmapped.
     */
    private void replaceWithLiveEntries(View v, int newLength) {
        Path temp = file.resolveSibling(file.getFileName() + SegmentFiles.TEMP_SUFFIX);
        try (RandomAccessFile raf = new RandomAccessFile(temp.toFile(), "rw")) {
            raf.setLength(newLength);
            ByteBuffer live = v.buffer().duplicate().position(0).limit(v.entries() * entrySize);
            while (live.hasRemaining()) {
                raf.getChannel().write(live, live.position());
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            map(raf, v.entries(), v.generation());
            truncatedSinceShrinkSafe = false;
        } catch (IOException e) {
            throw new StorageException("cannot rewrite index " + file, e);
        }
    }

    /** Shrinks the file to its live entries: done when the segment stops being written, as Kafka does. */
    public void trimToValidSize() {
        resize(view.entries() * entrySize);
    }

    /** Drops every entry. */
    public void reset() {
        truncateToEntries(0);
    }

    public void flush() {
        view.buffer().force();
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
        return getClass().getSimpleName() + "(" + file.getFileName() + ", entries=" + view.entries() + ")";
    }
}
