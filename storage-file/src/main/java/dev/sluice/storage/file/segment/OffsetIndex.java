package dev.sluice.storage.file.segment;

import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * Sparse map from offset to file position within one segment: entries of (offset relative to the
 * segment's base offset: int32, position of the batch that starts at that offset: int32), one
 * every {@code index.interval.bytes} of log. A lookup gives a position at or before the batch
 * holding an offset; the reader scans batch headers from there.
 */
public final class OffsetIndex extends MappedIndex {
    static final int ENTRY_SIZE = 8;

    public OffsetIndex(Path file, long baseOffset, int maxIndexBytes) {
        super(file, baseOffset, maxIndexBytes, ENTRY_SIZE);
    }

    @Override
    protected long keyAt(MappedByteBuffer buffer, int slot) {
        return baseOffset + buffer.getInt(slot * ENTRY_SIZE);
    }

    private static int positionAt(MappedByteBuffer buffer, int slot) {
        return buffer.getInt(slot * ENTRY_SIZE + 4);
    }

    public boolean isFull() {
        return entries() >= maxEntries();
    }

    /** Indexes the batch starting at {@code offset} at file {@code position}; offsets must increase. */
    public void append(long offset, int position) {
        int count = entries();
        if (count >= maxEntries()) {
            throw new IllegalStateException("offset index " + file() + " is full (" + count + " entries)");
        }
        if (count > 0 && offset <= lastOffset()) {
            throw new IllegalStateException("offset " + offset + " is not after the last indexed offset " + lastOffset()
                    + " in " + file());
        }
        MappedByteBuffer buffer = view().buffer();
        buffer.putInt(count * ENTRY_SIZE, relative(offset));
        buffer.putInt(count * ENTRY_SIZE + 4, position);
        entryWritten();
    }

    private int relative(long offset) {
        long relative = offset - baseOffset;
        if (relative < 0 || relative > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("offset " + offset + " does not fit segment " + baseOffset);
        }
        return (int) relative;
    }

    /** File position to start scanning from for {@code targetOffset}: the last indexed batch at or before it, else 0. */
    public int lookupPosition(long targetOffset) {
        while (true) {
            View v = view();
            int slot = largestLowerBoundSlot(v.buffer(), v.entries(), targetOffset);
            int position = slot < 0 ? 0 : positionAt(v.buffer(), slot);
            if (unchangedSince(v)) {
                return position;
            }
        }
    }

    /**
     * The last indexed batch start in {@code [fromPosition, maxPosition]} whose offset is at most
     * {@code maxOffset}, or -1. Everything between {@code fromPosition} and it is whole batches of
     * offsets below {@code maxOffset}, so a read can take them without reading their headers.
     */
    public int lastPositionWithin(int fromPosition, int maxPosition, long maxOffset) {
        while (true) {
            View v = view();
            int position = lastPositionWithin(v, fromPosition, maxPosition, maxOffset);
            if (unchangedSince(v)) {
                return position;
            }
        }
    }

    private int lastPositionWithin(View v, int fromPosition, int maxPosition, long maxOffset) {
        MappedByteBuffer buffer = v.buffer();
        int count = v.entries();
        int lo = 0;
        int hi = count - 1;
        int byPosition = -1;
        while (lo <= hi) { // positions grow with slots
            int mid = (lo + hi) >>> 1;
            if (positionAt(buffer, mid) <= maxPosition) {
                byPosition = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        int slot = Math.min(byPosition, largestLowerBoundSlot(buffer, count, maxOffset));
        if (slot < 0) {
            return -1;
        }
        int position = positionAt(buffer, slot);
        return position >= fromPosition ? position : -1;
    }

    /** The last indexed offset, or the base offset if the index is empty. */
    public long lastOffset() {
        while (true) {
            View v = view();
            long offset = v.entries() == 0 ? baseOffset : keyAt(v.buffer(), v.entries() - 1);
            if (unchangedSince(v)) {
                return offset;
            }
        }
    }

    /** Position of the last indexed batch, or 0 if the index is empty. */
    public int lastPosition() {
        while (true) {
            View v = view();
            int position = v.entries() == 0 ? 0 : positionAt(v.buffer(), v.entries() - 1);
            if (unchangedSince(v)) {
                return position;
            }
        }
    }

    /** Removes the entries for offsets {@code >= offset}. */
    public void truncateTo(long offset) {
        truncateToEntries(smallestUpperBoundSlot(offset));
    }

    /**
     * Cheap structural check of an index found on disk: whole entries, offsets increasing at the
     * end (a preallocated index that was never trimmed ends in zeros) and positions inside the log.
     */
    public boolean looksValid(long logSize) {
        if (!lengthWasWholeEntries()) {
            return false;
        }
        View v = view(); // at load: no writer yet
        int count = v.entries();
        if (count == 0) {
            return true;
        }
        MappedByteBuffer buffer = v.buffer();
        int last = count - 1;
        if (buffer.getInt(last * ENTRY_SIZE) < 0 || positionAt(buffer, last) < 0 || positionAt(buffer, last) >= logSize) {
            return false;
        }
        return count == 1 || (keyAt(buffer, last) > keyAt(buffer, last - 1) && positionAt(buffer, last) > positionAt(buffer, last - 1));
    }
}
