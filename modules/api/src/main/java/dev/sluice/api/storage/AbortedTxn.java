package dev.sluice.api.storage;

import java.util.ArrayList;
import java.util.List;

/**
 * One entry of a log's aborted-transaction index (Kafka's {@code AbortedTxn}): producer
 * {@code producerId} wrote a transaction from {@code firstOffset} whose abort marker is at
 * {@code lastOffset}; {@code lastStableOffset} is the partition's last stable offset right after
 * that marker (the first offset of the earliest transaction still open then, else
 * {@code lastOffset + 1}). A read_committed Fetch returns the entries overlapping what it reads, so
 * consumers can drop the aborted records.
 */
public record AbortedTxn(long producerId, long firstOffset, long lastOffset, long lastStableOffset) {

    public AbortedTxn {
        if (firstOffset < 0 || lastOffset < firstOffset || lastStableOffset < 0) {
            throw new IllegalArgumentException("invalid aborted transaction: producer " + producerId + " offsets "
                    + firstOffset + ".." + lastOffset + ", last stable offset " + lastStableOffset);
        }
    }

    /**
     * Kafka's search over entries in marker order ({@code TransactionIndex.collectAbortedTxns}): the
     * entries whose transaction overlaps {@code [fromOffset, upperBoundOffset)} — the marker at or
     * after {@code fromOffset} and the first offset before {@code upperBoundOffset} — added to
     * {@code into}. Returns true once an entry's last stable offset reaches {@code upperBoundOffset}:
     * no transaction started before the bound can complete later, so the search may stop there.
     */
    public static boolean collect(List<AbortedTxn> entries, long fromOffset, long upperBoundOffset, List<AbortedTxn> into) {
        for (AbortedTxn entry : entries) {
            if (entry.lastOffset >= fromOffset && entry.firstOffset < upperBoundOffset) {
                into.add(entry);
            }
            if (entry.lastStableOffset >= upperBoundOffset) {
                return true;
            }
        }
        return false;
    }

    /** {@link #collect} over one list, as a new list. */
    public static List<AbortedTxn> overlapping(List<AbortedTxn> entries, long fromOffset, long upperBoundOffset) {
        List<AbortedTxn> found = new ArrayList<>();
        collect(entries, fromOffset, upperBoundOffset, found);
        return found;
    }
}
