package dev.sluice.broker.cleaner;

import dev.sluice.api.storage.CleanableSection;
import dev.sluice.api.storage.LogCompaction;
import dev.sluice.api.storage.TopicPartition;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A compacted log the cleaner might clean now, and the choice among them (Kafka's
 * LogCleanerManager.grabFilthiestCompactedLog): a log is cleanable if it has cleanable bytes and
 * its dirty ratio exceeds {@code min.cleanable.dirty.ratio}, or its oldest dirty record has waited
 * longer than {@code max.compaction.lag.ms}; of those the one with the highest dirty ratio goes
 * first. Immutable.
 *
 * @param upperBoundOffset what the cleaning may not reach: the partition's last stable offset
 */
record CleaningCandidate(TopicPartition partition, LogCompaction compaction, TopicCleaning cleaning,
                         CleanableSection section, long upperBoundOffset) {

    /** The oldest dirty record has waited longer than max.compaction.lag.ms. */
    boolean overdue(long nowMs) {
        long first = section.firstDirtyTimestamp();
        return first >= 0 && nowMs - first > cleaning.maxCompactionLagMs();
    }

    boolean cleanable(long nowMs) {
        return section.cleanableBytes() > 0
                && (section.dirtyRatio() > cleaning.minCleanableRatio() || overdue(nowMs));
    }

    /** The dirtiest cleanable log, if any. */
    static Optional<CleaningCandidate> dirtiest(List<CleaningCandidate> candidates, long nowMs) {
        return candidates.stream().filter(c -> c.cleanable(nowMs))
                .max(Comparator.comparingDouble(c -> c.section().dirtyRatio()));
    }
}
