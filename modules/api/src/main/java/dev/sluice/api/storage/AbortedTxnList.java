package dev.sluice.api.storage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A backend's aborted-transaction entries in memory, in marker order: appends cost no copy (an
 * array with spare room, published by swapping one small immutable view), readers take the
 * current view without locking and find the first entry a fetch needs by binary search, so a
 * read_committed fetch does not scan every abort since the log start.
 *
 * <p>Threads: changes are synchronized (the log's writer appends, truncates and drops, the log
 * cleaner removes entries whose records are gone); readers on any thread, without locking. A
 * view's slots are never written again once visible: removals copy into a new array.
 */
public final class AbortedTxnList {
    private record View(AbortedTxn[] entries, int count) {
    }

    private static final View EMPTY = new View(new AbortedTxn[0], 0);
    private volatile View view = EMPTY;

    public AbortedTxnList() {
    }

    public AbortedTxnList(List<AbortedTxn> entries) {
        AbortedTxn[] array = entries.toArray(new AbortedTxn[0]);
        view = new View(array, array.length);
    }

    public int size() {
        return view.count();
    }

    /** The last entry's marker offset, or -1. */
    public long lastMarkerOffset() {
        View v = view;
        return v.count() == 0 ? -1 : v.entries()[v.count() - 1].lastOffset();
    }

    /** Adds {@code entry}, whose marker must come after the last entry's. */
    public synchronized void append(AbortedTxn entry) {
        View v = view;
        if (v.count() > 0 && entry.lastOffset() <= v.entries()[v.count() - 1].lastOffset()) {
            throw new IllegalArgumentException("aborted transaction " + entry + " is not after the last entry");
        }
        AbortedTxn[] array = v.entries();
        if (v.count() == array.length) {
            array = Arrays.copyOf(array, Math.max(8, array.length * 2));
        }
        array[v.count()] = entry; // beyond every published view's count
        view = new View(array, v.count() + 1);
    }

    /** Keeps the entries whose marker is before {@code offset} (truncation); true if any went. */
    public synchronized boolean truncateFrom(long offset) {
        View v = view;
        int keep = firstWithMarkerAtOrAfter(v, offset);
        if (keep == v.count()) {
            return false;
        }
        view = new View(Arrays.copyOf(v.entries(), keep), keep);
        return true;
    }

    /** Drops the entries whose marker is before {@code offset} (a new log start); true if any went. */
    public synchronized boolean dropBefore(long offset) {
        View v = view;
        int from = firstWithMarkerAtOrAfter(v, offset);
        if (from == 0) {
            return false;
        }
        view = new View(Arrays.copyOfRange(v.entries(), from, v.count()), v.count() - from);
        return true;
    }

    /** Removes the entries whose marker offset is in {@code markers} (the cleaner: their records are gone); true if any went. */
    public synchronized boolean removeMarkers(java.util.Set<Long> markers) {
        View v = view;
        AbortedTxn[] kept = new AbortedTxn[v.count()];
        int count = 0;
        for (int i = 0; i < v.count(); i++) {
            if (!markers.contains(v.entries()[i].lastOffset())) {
                kept[count++] = v.entries()[i];
            }
        }
        if (count == v.count()) {
            return false;
        }
        view = new View(kept, count);
        return true;
    }

    /**
     * Kafka's search ({@link AbortedTxn#collect}) from the first entry whose marker is at or after
     * {@code fromOffset}: entries before it cannot overlap the range.
     */
    public List<AbortedTxn> overlapping(long fromOffset, long upperBoundOffset) {
        List<AbortedTxn> found = new ArrayList<>();
        collect(fromOffset, upperBoundOffset, found);
        return found;
    }

    /** As {@link #overlapping}, adding to {@code into}; true once the search may stop (see {@link AbortedTxn#collect}). */
    public boolean collect(long fromOffset, long upperBoundOffset, List<AbortedTxn> into) {
        View v = view;
        for (int i = firstWithMarkerAtOrAfter(v, fromOffset); i < v.count(); i++) {
            AbortedTxn entry = v.entries()[i];
            if (entry.firstOffset() < upperBoundOffset) {
                into.add(entry);
            }
            if (entry.lastStableOffset() >= upperBoundOffset) {
                return true;
            }
        }
        return false;
    }

    /** Every entry, in marker order. */
    public List<AbortedTxn> toList() {
        View v = view;
        return List.of(Arrays.copyOf(v.entries(), v.count()));
    }

    private static int firstWithMarkerAtOrAfter(View v, long offset) {
        int low = 0;
        int high = v.count();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (v.entries()[mid].lastOffset() < offset) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
