package dev.sluice.api.storage;

/**
 * The parts of a log a cleaning looks at (Kafka's LogToClean): {@code [logStart, firstDirty)}
 * was cleaned before, {@code [firstDirty, cleanableEnd)} may be cleaned now, the rest is
 * uncleanable (active segment, too young, above the high watermark).
 *
 * @param firstDirtyOffset     where the dirty part starts
 * @param cleanableEndOffset   where the cleanable part ends (exclusive)
 * @param cleanBytes           bytes of the clean part
 * @param cleanableBytes       bytes of the cleanable dirty part
 * @param firstDirtyTimestamp  largest timestamp of the first dirty batch (or segment): how long
 *                             the oldest uncleaned record has waited, for {@code max.compaction.lag.ms};
 *                             -1 if there is no dirty record
 */
public record CleanableSection(long firstDirtyOffset, long cleanableEndOffset, long cleanBytes, long cleanableBytes,
                               long firstDirtyTimestamp) {

    /** Dirty bytes over all cleanable-or-clean bytes, 0 for an empty log (Kafka's cleanableRatio). */
    public double dirtyRatio() {
        long total = cleanBytes + cleanableBytes;
        return total == 0 ? 0.0 : (double) cleanableBytes / total;
    }
}
