package dev.sluice.storage.file.segment;

import dev.sluice.api.storage.TimestampOffset;

import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * Sparse map from timestamp to offset within one segment: entries of (largest timestamp seen so
 * far: int64, offset relative to the base offset of the batch that carries it: int32), appended
 * next to offset index entries and only when the largest timestamp grew, so timestamps strictly
 * increase. One slot is kept free for the final entry written when the segment stops being active.
 */
public final class TimeIndex extends MappedIndex {
    static final int ENTRY_SIZE = 12;

    public TimeIndex(Path file, long baseOffset, int maxIndexBytes) {
        super(file, baseOffset, maxIndexBytes, ENTRY_SIZE);
    }

    @Override
    protected long keyAt(MappedByteBuffer buffer, int slot) {
        return buffer.getLong(slot * ENTRY_SIZE);
    }

    private long offsetAt(MappedByteBuffer buffer, int slot) {
        return baseOffset + buffer.getInt(slot * ENTRY_SIZE + 8);
    }

    public boolean isFull() {
        return entries() >= maxEntries() - 1;
    }

    /**
     * Records that {@code timestamp} is the largest timestamp up to the batch at {@code offset},
     * unless it is not larger than the last entry. {@code final} entries may use the reserved slot.
     */
    public void maybeAppend(long timestamp, long offset, boolean finalEntry) {
        View v = view(); // the writer's own call
        int count = v.entries();
        MappedByteBuffer buffer = v.buffer();
        if (count > 0 && timestamp <= keyAt(buffer, count - 1)) {
            return;
        }
        if (count >= maxEntries() || (!finalEntry && isFull())) {
            return; // a sparser index is still correct; the segment rolls when it sees isFull()
        }
        long relative = offset - baseOffset;
        if (relative < 0 || relative > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("offset " + offset + " does not fit segment " + baseOffset);
        }
        buffer.putLong(count * ENTRY_SIZE, timestamp);
        buffer.putInt(count * ENTRY_SIZE + 8, (int) relative);
        entryWritten();
    }

    /**
     * The offset to start scanning from for the first record with timestamp {@code >= target}:
     * the batch of the last entry whose timestamp is {@code <= target} (every earlier batch is
     * older), or the base offset if there is none.
     */
    public long lookup(long targetTimestamp) {
        while (true) {
            View v = view();
            int slot = largestLowerBoundSlot(v.buffer(), v.entries(), targetTimestamp);
            long offset = slot < 0 ? baseOffset : offsetAt(v.buffer(), slot);
            if (unchangedSince(v)) {
                return offset;
            }
        }
    }

    /** The last entry, or null if the index is empty. */
    public TimestampOffset lastEntry() {
        while (true) {
            View v = view();
            int count = v.entries();
            TimestampOffset last = count == 0 ? null
                    : new TimestampOffset(keyAt(v.buffer(), count - 1), offsetAt(v.buffer(), count - 1));
            if (unchangedSince(v)) {
                return last;
            }
        }
    }

    /** Removes the entries that point at offsets {@code >= offset}. */
    public void truncateTo(long offset) {
        View v = view(); // the writer's own call
        MappedByteBuffer buffer = v.buffer();
        int count = v.entries();
        int keep = 0;
        // offsets increase with timestamps, so the entries to keep are a prefix
        while (keep < count && offsetAt(buffer, keep) < offset) {
            keep++;
        }
        truncateToEntries(keep);
    }

    /** Cheap structural check of an index found on disk (see {@link OffsetIndex#looksValid}). */
    public boolean looksValid(long nextOffsetBound) {
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
        long offset = offsetAt(buffer, last);
        if (buffer.getInt(last * ENTRY_SIZE + 8) < 0 || offset >= nextOffsetBound) {
            return false;
        }
        return count == 1 || (keyAt(buffer, last) > keyAt(buffer, last - 1) && offset >= offsetAt(buffer, last - 1));
    }
}
